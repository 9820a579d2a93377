package io.keyspace.notifications.internal.group;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.keyspace.notifications.KeyNotification;

/**
 * Notifications as stream entries and back. An entry holds up to {@link #PER_ENTRY}
 * notifications forwarded together that share their pattern and source node: the field
 * {@code notifications} packs each one's channel and message exactly as received (its length
 * in bytes, {@code ':'}, the bytes), and the fields {@code pattern} and {@code node} hold what
 * they share, so the consumer parses what the forwarder read. A dead letter holds one
 * notification, as the fields {@code channel}, {@code message}, {@code pattern} and {@code node}.
 * <p>
 * Bytes travel as ISO-8859-1 strings (one char per byte): Jedis writes strings as UTF-8 and
 * reads them back the same way, so every byte survives the round trip, binary keys included.
 */
final class StreamEntries {

	/**
	 * Notifications per entry at most. What an entry costs the server (the {@code XADD}, its
	 * part of a read and of an {@code XACK}) is shared by this many, which makes a group's
	 * cost per notification a small part of a direct subscriber's; few enough that a retried
	 * entry handles few notifications again, and that an entry stays far below a stream node.
	 */
	static final int PER_ENTRY = 16;

	static final String NOTIFICATIONS = "notifications";

	static final String CHANNEL = "channel";

	static final String MESSAGE = "message";

	static final String PATTERN = "pattern";

	static final String NODE = "node";

	private StreamEntries() {
	}

	/** Splits notifications into entries: runs that share their pattern and node, {@link #PER_ENTRY} at most each. */
	static List<List<KeyNotification>> entries(List<KeyNotification> notifications) {
		List<List<KeyNotification>> entries = new ArrayList<>();
		List<KeyNotification> entry = null;
		for (KeyNotification notification : notifications) {
			if (entry == null || entry.size() == PER_ENTRY || !sameSource(entry.get(0), notification)) {
				entry = new ArrayList<>(PER_ENTRY);
				entries.add(entry);
			}
			entry.add(notification);
		}
		return entries;
	}

	/** The {@code notifications} field of an entry, as the bytes Redis stores for what Jedis reads back. */
	static byte[] packed(List<KeyNotification> entry) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(entry.size() * 64);
		for (KeyNotification notification : entry) {
			writeSized(out, notification.channelBytes());
			writeSized(out, notification.messageBytes());
		}
		return out.toByteArray();
	}

	/** The fields of one notification in the format of dead letters: channel, message, pattern and node. */
	static Map<String, String> single(KeyNotification notification) {
		Map<String, String> fields = new LinkedHashMap<>(8);
		fields.put(CHANNEL, latin1(notification.channelBytes()));
		fields.put(MESSAGE, latin1(notification.messageBytes()));
		String pattern = patternOf(notification);
		if (pattern != null) {
			fields.put(PATTERN, pattern);
		}
		String node = nodeOf(notification);
		if (node != null) {
			fields.put(NODE, node);
		}
		return fields;
	}

	/** The entry's pattern: null for none (an empty one, which no keyspace channel matches, is none). */
	static String patternOf(KeyNotification notification) {
		String pattern = notification.pattern();
		return (pattern == null || pattern.isEmpty()) ? null : pattern;
	}

	/** The entry's node: null if unknown (or empty). */
	static String nodeOf(KeyNotification notification) {
		String node = notification.node();
		return (node == null || node.isEmpty()) ? null : node;
	}

	/**
	 * @return the entry's notifications in order, or empty for an entry that is not one
	 * (written by something else, or cut)
	 */
	static Optional<List<KeyNotification>> toNotifications(Map<String, String> fields, byte[] keyPrefix) {
		List<String> pairs = pairs(fields);
		if (pairs == null) {
			return Optional.empty();
		}
		String pattern = fields.get(PATTERN);
		byte[] patternBytes = (pattern != null) ? pattern.getBytes(StandardCharsets.UTF_8) : null;
		String node = fields.get(NODE);
		List<KeyNotification> notifications = new ArrayList<>(pairs.size() / 2);
		for (int i = 0; i < pairs.size(); i += 2) {
			Optional<KeyNotification> notification = KeyNotification.parse(bytes(pairs.get(i)),
					bytes(pairs.get(i + 1)), keyPrefix, patternBytes, node);
			if (notification.isEmpty()) {
				return Optional.empty();
			}
			notifications.add(notification.get());
		}
		return Optional.of(notifications);
	}

	/**
	 * What a takeover matches the entry's notifications by: channel and message, one string
	 * each; none for an entry that is not a notification.
	 */
	static List<String> identities(Map<String, String> fields) {
		List<String> pairs = pairs(fields);
		if (pairs == null) {
			return List.of();
		}
		List<String> identities = new ArrayList<>(pairs.size() / 2);
		for (int i = 0; i < pairs.size(); i += 2) {
			identities.add(pairs.get(i) + '\u0000' + pairs.get(i + 1));
		}
		return identities;
	}

	/** How many notifications the entry holds; 0 for an entry that is not notifications. */
	static int count(Map<String, String> fields) {
		List<String> pairs = pairs(fields);
		return (pairs != null) ? pairs.size() / 2 : 0;
	}

	/** What {@link #identities} gives for the notification. */
	static String identity(KeyNotification notification) {
		return latin1(notification.channelBytes()) + '\u0000' + latin1(notification.messageBytes());
	}

	/** Channel, message, channel, message… as ISO-8859-1 strings; null if the entry is not notifications. */
	private static List<String> pairs(Map<String, String> fields) {
		String packed = fields.get(NOTIFICATIONS);
		return (packed != null) ? unpacked(packed) : null;
	}

	private static List<String> unpacked(String packed) {
		List<String> parts = new ArrayList<>();
		int at = 0;
		while (at < packed.length()) {
			int colon = packed.indexOf(':', at);
			if (colon <= at || colon - at > 9) {
				return null;
			}
			int length = 0;
			for (int i = at; i < colon; i++) {
				char digit = packed.charAt(i);
				if (digit < '0' || digit > '9') {
					return null;
				}
				length = length * 10 + (digit - '0');
			}
			at = colon + 1 + length;
			if (at > packed.length()) {
				return null;
			}
			parts.add(packed.substring(colon + 1, at));
		}
		return (parts.isEmpty() || parts.size() % 2 != 0) ? null : parts;
	}

	/** Its length in bytes, ':', then the bytes as Jedis would write their ISO-8859-1 string. */
	private static void writeSized(ByteArrayOutputStream out, byte[] raw) {
		out.writeBytes(Integer.toString(raw.length).getBytes(StandardCharsets.US_ASCII));
		out.write(':');
		for (byte b : raw) {
			if (b >= 0) {
				out.write(b);
			}
			else { // the char (b & 0xff) in UTF-8: two bytes
				out.write(0xc0 | ((b & 0xff) >>> 6));
				out.write(0x80 | (b & 0x3f));
			}
		}
	}

	private static boolean sameSource(KeyNotification one, KeyNotification other) {
		return Objects.equals(patternOf(one), patternOf(other)) && Objects.equals(nodeOf(one), nodeOf(other));
	}

	private static String latin1(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static byte[] bytes(String latin1) {
		return latin1.getBytes(StandardCharsets.ISO_8859_1);
	}

}
