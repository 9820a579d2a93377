package io.keyspace.notifications.internal.reader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels (or the patterns) one node connection should have, those sent to its server
 * on the current connection, and those the server has confirmed. Callers change the wanted
 * side; {@link #toSubscribe()} and {@link #toUnsubscribe()} give the difference to send, so
 * whichever thread sends last sends the right thing, whatever order the changes came in.
 * <p>
 * Names are keyed by their ISO-8859-1 view: a lossless, allocation-light way to hash byte
 * arrays. The wanted and sent sides are guarded by the subscriber's lock; the confirmed
 * side is written by the reader thread and read by anyone.
 */
final class SubscriptionSet {

	private final Map<String, byte[]> wanted = new HashMap<>();

	private final Set<String> sent = new HashSet<>();

	// What may differ between wanted and sent, so a send costs what changed, not what is wanted.
	private final Set<String> changed = new LinkedHashSet<>();

	private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

	void want(Collection<byte[]> names) {
		for (byte[] name : names) {
			String key = key(name);
			if (this.wanted.putIfAbsent(key, name) == null) {
				this.changed.add(key);
			}
		}
	}

	void unwant(Collection<byte[]> names) {
		for (byte[] name : names) {
			String key = key(name);
			if (this.wanted.remove(key) != null) {
				this.changed.add(key);
			}
		}
	}

	/** Wanted but not yet sent on this connection; marks them sent. */
	List<byte[]> toSubscribe() {
		List<byte[]> names = new ArrayList<>();
		for (String key : this.changed) {
			byte[] name = this.wanted.get(key);
			if (name != null && this.sent.add(key)) {
				names.add(name);
			}
		}
		return names;
	}

	/** Sent on this connection but no longer wanted; marks them unsent. Call before {@link #toSubscribe()}. */
	List<byte[]> toUnsubscribe() {
		List<byte[]> names = new ArrayList<>();
		for (String key : this.changed) {
			if (!this.wanted.containsKey(key) && this.sent.remove(key)) {
				names.add(key.getBytes(StandardCharsets.ISO_8859_1));
			}
		}
		return names;
	}

	/** After {@link #toUnsubscribe()} and {@link #toSubscribe()}: sent equals wanted again. */
	void sentAll() {
		this.changed.clear();
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

	/** A new connection has been sent nothing and has confirmed nothing yet. */
	void newConnection() {
		this.sent.clear();
		this.confirmed.clear();
		this.changed.clear();
		this.changed.addAll(this.wanted.keySet());
	}

	/** Whether each name is confirmed or no longer wanted (then nobody waits for it). */
	boolean settled(Collection<byte[]> names) {
		for (byte[] name : names) {
			if (!settled(name)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The index of the first name from {@code from} on that is neither confirmed nor unwanted,
	 * or {@code names.size()} if there is none: a waiter for many names goes on from where it
	 * stopped instead of looking at them all after each confirmation.
	 */
	int firstUnsettled(List<byte[]> names, int from) {
		int index = from;
		while (index < names.size() && settled(names.get(index))) {
			index++;
		}
		return index;
	}

	private boolean settled(byte[] name) {
		String key = key(name);
		return this.confirmed.contains(key) || !this.wanted.containsKey(key);
	}

	/** Whether everything wanted is confirmed. */
	boolean allConfirmed() {
		if (this.confirmed.size() < this.wanted.size()) {
			return false;
		}
		return this.confirmed.containsAll(this.wanted.keySet());
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
