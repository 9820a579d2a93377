package io.keyspace.notifications.internal.group;

import java.util.List;

import io.keyspace.notifications.KeyNotification;
import redis.clients.jedis.resps.StreamEntry;

/** What tests outside this package read from a group's stream: the notifications of an entry. */
public final class GroupStreamEntries {

	private GroupStreamEntries() {
	}

	/** The keys of the entry's notifications, in order (no key prefix stripped). */
	public static List<String> keysOf(StreamEntry entry) {
		return StreamEntries.toNotifications(entry.getFields(), null)
			.orElseThrow(() -> new AssertionError("not notifications: " + entry))
			.stream()
			.map(KeyNotification::key)
			.toList();
	}

}
