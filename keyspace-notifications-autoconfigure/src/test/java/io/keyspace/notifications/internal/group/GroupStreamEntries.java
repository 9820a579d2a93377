package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.KeyNotification;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A group stream's entries as tests see them: what the append script writes for an entry, as
 * Jedis reads it back, and the keys of an entry read from Redis.
 */
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

	/** The fields the append script writes for an entry of these notifications, as Jedis reads them back. */
	static Map<String, String> fieldsOf(List<KeyNotification> entry) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put(StreamEntries.NOTIFICATIONS, new String(StreamEntries.packed(entry), StandardCharsets.UTF_8));
		String pattern = StreamEntries.patternOf(entry.get(0));
		if (pattern != null) {
			fields.put(StreamEntries.PATTERN, pattern);
		}
		String node = StreamEntries.nodeOf(entry.get(0));
		if (node != null) {
			fields.put(StreamEntries.NODE, node);
		}
		return fields;
	}

}
