package io.keyspace.notifications.reader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels (or the patterns) one node connection should have, and those its server has
 * confirmed on the current connection. Names are keyed by their ISO-8859-1 view: a lossless,
 * allocation-light way to hash byte arrays. The wanted side is guarded by the subscriber's
 * lock; the confirmed side is written by the reader thread.
 */
final class SubscriptionSet {

	private final Map<String, byte[]> wanted = new HashMap<>();

	private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

	/** Adds names; returns those that were not wanted yet (to be sent to the server). */
	List<byte[]> add(Collection<byte[]> names) {
		List<byte[]> added = new ArrayList<>();
		for (byte[] name : names) {
			if (this.wanted.putIfAbsent(key(name), name) == null) {
				added.add(name);
			}
		}
		return added;
	}

	/** Removes names; returns those that were wanted (to be sent to the server). */
	List<byte[]> remove(Collection<byte[]> names) {
		List<byte[]> removed = new ArrayList<>();
		for (byte[] name : names) {
			if (this.wanted.remove(key(name)) != null) {
				removed.add(name);
			}
		}
		return removed;
	}

	List<byte[]> wanted() {
		return new ArrayList<>(this.wanted.values());
	}

	int size() {
		return this.wanted.size();
	}

	void confirm(byte[] name, boolean subscribed) {
		if (subscribed) {
			this.confirmed.add(key(name));
		}
		else {
			this.confirmed.remove(key(name));
		}
	}

	/** A new connection has confirmed nothing yet. */
	void forgetConfirmations() {
		this.confirmed.clear();
	}

	boolean allConfirmed(Collection<byte[]> names) {
		for (byte[] name : names) {
			if (!this.confirmed.contains(key(name))) {
				return false;
			}
		}
		return true;
	}

	/** Adds the confirmed names, decoded as UTF-8, to {@code into}. */
	void copyConfirmedTo(Set<String> into) {
		this.confirmed.forEach((name) -> into
			.add(new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
	}

	private static String key(byte[] name) {
		return new String(name, StandardCharsets.ISO_8859_1);
	}

}
