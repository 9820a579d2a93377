package io.keyspace.notifications;

import java.util.Arrays;

/**
 * Byte-level parser for the six notification wire formats. It runs on a node's reader thread
 * for every message, so it neither copies bytes nor decodes strings: it only finds the slices
 * that {@link KeyNotification} decodes on demand. Every failure path returns null; nothing here
 * throws, whatever the input.
 */
final class NotificationParser {

	private static final byte[] DB_TERMINATOR = { '_', '_', ':' };

	private NotificationParser() {
	}

	/**
	 * Parse one received message.
	 * @param channel the channel bytes, kept (not copied) by the result
	 * @param message the message bytes, kept (not copied) by the result
	 * @param keyPrefix the prefix a key must start with, stripped from the result; null or
	 * empty for none
	 * @param pattern the pattern that matched, kept by the result; may be null
	 * @param node the node the message came from; may be null
	 * @return the notification, or null if the channel is not a notification channel, the key
	 * lies outside the prefix, or the payload is malformed
	 */
	static KeyNotification parse(byte[] channel, byte[] message, byte[] keyPrefix, byte[] pattern, String node) {
		ChannelType type = ChannelType.find(channel);
		if (type == null || message == null) {
			return null;
		}
		int pos = type.prefixLength();
		int database;
		if (pos < channel.length && channel[pos] == '*') {
			database = KeyNotification.ANY_DATABASE;
			pos++;
		}
		else {
			int digitsEnd = skipDigits(channel, pos, channel.length);
			database = decimal(channel, pos, digitsEnd);
			if (database < 0) {
				return null;
			}
			pos = digitsEnd;
		}
		if (!ByteSlice.startsWith(channel, pos, channel.length - pos, DB_TERMINATOR)) {
			return null;
		}
		pos += DB_TERMINATOR.length;
		// The two usual kinds take their slices directly: no intermediate objects per message.
		if (type == ChannelType.KEYSPACE) {
			return notification(type, database, channel, pos, channel.length - pos, message, 0, message.length,
					ByteSlice.NONE, channel, message, keyPrefix, pattern, node);
		}
		if (type == ChannelType.KEYEVENT) {
			return notification(type, database, message, 0, message.length, channel, pos, channel.length - pos,
					ByteSlice.NONE, channel, message, keyPrefix, pattern, node);
		}
		ByteSlice rest = new ByteSlice(channel, pos, channel.length - pos);
		Parts parts = switch (type) {
			case SUBKEYSPACE -> subkeyspace(rest, message);
			case SUBKEYEVENT -> subkeyevent(rest, message);
			case SUBKEYSPACEITEM -> subkeyspaceitem(rest, message);
			case SUBKEYSPACEEVENT -> subkeyspaceevent(rest, message);
			default -> null; // KEYSPACE and KEYEVENT above
		};
		if (parts == null || parts.subkeys() == null) {
			return null;
		}
		ByteSlice key = parts.key();
		ByteSlice event = parts.event();
		return notification(type, database, key.source(), key.offset(), key.length(), event.source(), event.offset(),
				event.length(), parts.subkeys(), channel, message, keyPrefix, pattern, node);
	}

	/**
	 * The notification of the key and event at these places; null if the event is empty or the
	 * key lies outside the prefix. A well-known event shares its slice and name.
	 */
	private static KeyNotification notification(ChannelType type, int database, byte[] keySource, int keyOffset,
			int keyLength, byte[] eventSource, int eventOffset, int eventLength, ByteSlice[] subkeys, byte[] channel,
			byte[] message, byte[] keyPrefix, byte[] pattern, String node) {
		if (eventLength == 0) {
			return null;
		}
		int skip = 0;
		if (keyPrefix != null && keyPrefix.length > 0) {
			if (!ByteSlice.startsWith(keySource, keyOffset, keyLength, keyPrefix)) {
				return null;
			}
			skip = keyPrefix.length;
		}
		ByteSlice key = new ByteSlice(keySource, keyOffset + skip, keyLength - skip);
		int known = KnownEvents.find(eventSource, eventOffset, eventLength);
		ByteSlice event = (known >= 0) ? KnownEvents.slice(known) : new ByteSlice(eventSource, eventOffset, eventLength);
		return new KeyNotification(type, database, key, event, (known >= 0) ? KnownEvents.constant(known) : null,
				subkeys, channel, message, pattern, node);
	}

	// channel = ...:<key>, message = <event>|<subkey list>; events never contain '|'
	private static Parts subkeyspace(ByteSlice key, byte[] message) {
		int bar = indexOf(message, 0, message.length, '|');
		if (bar < 0) {
			return null;
		}
		return new Parts(key, new ByteSlice(message, 0, bar), subkeyList(message, bar + 1, message.length));
	}

	// channel = ...:<event>, message = <keylen>:<key>|<subkey list>; the length lets the key hold '|'
	private static Parts subkeyevent(ByteSlice event, byte[] message) {
		ByteSlice key = lengthPrefixed(message, 0, message.length);
		if (key == null) {
			return null;
		}
		int bar = key.offset() + key.length();
		if (bar >= message.length || message[bar] != '|') {
			return null;
		}
		return new Parts(key, event, subkeyList(message, bar + 1, message.length));
	}

	// channel = ...:<key>\n<subkey>, message = <event>; the server only emits this for keys
	// without '\n', so the first one splits (the subkey may hold more)
	private static Parts subkeyspaceitem(ByteSlice rest, byte[] message) {
		int newline = indexOf(rest.source(), rest.offset(), rest.offset() + rest.length(), '\n');
		if (newline < 0) {
			return null;
		}
		byte[] channel = rest.source();
		ByteSlice key = new ByteSlice(channel, rest.offset(), newline - rest.offset());
		ByteSlice subkey = new ByteSlice(channel, newline + 1, channel.length - newline - 1);
		return new Parts(key, new ByteSlice(message, 0, message.length), new ByteSlice[] { subkey });
	}

	// channel = ...:<event>|<key>, message = <subkey list>; events never contain '|', keys may
	private static Parts subkeyspaceevent(ByteSlice rest, byte[] message) {
		int bar = indexOf(rest.source(), rest.offset(), rest.offset() + rest.length(), '|');
		if (bar < 0) {
			return null;
		}
		byte[] channel = rest.source();
		ByteSlice event = new ByteSlice(channel, rest.offset(), bar - rest.offset());
		ByteSlice key = new ByteSlice(channel, bar + 1, channel.length - bar - 1);
		return new Parts(key, event, subkeyList(message, 0, message.length));
	}

	/**
	 * Parse {@code <len>:<bytes>[,<len>:<bytes>...]} spanning exactly {@code from..to}: at least
	 * one item, one comma between items, nothing left over.
	 * @return the items, or null if the list is malformed
	 */
	private static ByteSlice[] subkeyList(byte[] bytes, int from, int to) {
		ByteSlice[] items = new ByteSlice[1];
		int count = 0;
		int pos = from;
		while (true) {
			ByteSlice item = lengthPrefixed(bytes, pos, to);
			if (item == null) {
				return null;
			}
			if (count == items.length) {
				items = Arrays.copyOf(items, count * 2);
			}
			items[count++] = item;
			pos = item.offset() + item.length();
			if (pos == to) {
				return (count == items.length) ? items : Arrays.copyOf(items, count);
			}
			if (bytes[pos] != ',') {
				return null;
			}
			pos++;
		}
	}

	/** The {@code <len>:<bytes>} item at {@code from}, or null if it is malformed or overruns {@code to}. */
	private static ByteSlice lengthPrefixed(byte[] bytes, int from, int to) {
		int colon = skipDigits(bytes, from, to);
		int length = decimal(bytes, from, colon);
		if (length < 0 || colon >= to || bytes[colon] != ':' || length > to - colon - 1) {
			return null;
		}
		return new ByteSlice(bytes, colon + 1, length);
	}

	private static int skipDigits(byte[] bytes, int from, int to) {
		int pos = from;
		while (pos < to && bytes[pos] >= '0' && bytes[pos] <= '9') {
			pos++;
		}
		return pos;
	}

	/** The ASCII digits {@code from..to} as an int; -1 if there are none or the value overflows. */
	private static int decimal(byte[] bytes, int from, int to) {
		if (from == to) {
			return -1;
		}
		long value = 0;
		for (int pos = from; pos < to; pos++) {
			value = value * 10 + (bytes[pos] - '0');
			if (value > Integer.MAX_VALUE) {
				return -1;
			}
		}
		return (int) value;
	}

	private static int indexOf(byte[] bytes, int from, int to, char wanted) {
		for (int pos = from; pos < to; pos++) {
			if (bytes[pos] == wanted) {
				return pos;
			}
		}
		return -1;
	}

	/** What a wire format yields before the common checks; {@code subkeys} null means malformed. */
	private record Parts(ByteSlice key, ByteSlice event, ByteSlice[] subkeys) {
	}

}
