package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.keyspace.notifications.KeyNotification;

/**
 * A notification as a stream entry and back: the channel and message exactly as received,
 * the matching pattern and the source node, so the consumer parses what the forwarder read.
 * Bytes travel as ISO-8859-1 strings (one char per byte): Jedis writes strings as UTF-8 and
 * reads them back the same way, so every byte survives the round trip, binary keys included.
 */
final class StreamEntries {

	static final String CHANNEL = "channel";

	static final String MESSAGE = "message";

	static final String PATTERN = "pattern";

	static final String NODE = "node";

	private StreamEntries() {
	}

	static Map<String, String> of(KeyNotification notification) {
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
	 * The bytes Redis stores for a channel or message of {@link #of}: what Jedis' string API
	 * writes for the ISO-8859-1 string, so the raw bytes themselves unless some are not ASCII.
	 */
	static byte[] stored(byte[] raw) {
		for (byte b : raw) {
			if (b < 0) {
				return latin1(raw).getBytes(StandardCharsets.UTF_8);
			}
		}
		return raw;
	}

	/** @return the notification, or empty for an entry that is not one (written by something else) */
	static Optional<KeyNotification> toNotification(Map<String, String> fields, byte[] keyPrefix) {
		String channel = fields.get(CHANNEL);
		String message = fields.get(MESSAGE);
		if (channel == null || message == null) {
			return Optional.empty();
		}
		String pattern = fields.get(PATTERN);
		return KeyNotification.parse(bytes(channel), bytes(message), keyPrefix,
				(pattern != null) ? pattern.getBytes(StandardCharsets.UTF_8) : null, fields.get(NODE));
	}

	private static String latin1(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static byte[] bytes(String latin1) {
		return latin1.getBytes(StandardCharsets.ISO_8859_1);
	}

}
