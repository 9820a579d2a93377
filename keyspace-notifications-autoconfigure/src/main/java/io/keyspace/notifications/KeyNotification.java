package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One parsed keyspace notification: which key changed, by which event, in which database, and
 * for the subkey kinds which subkeys (hash fields) were touched. Immutable.
 * <p>
 * Keys are binary in Redis: {@link #keyBytes()} and {@link #subkeyBytes()} give the exact
 * bytes, while {@link #key()} and {@link #subkeys()} decode them as UTF-8 and replace malformed
 * input.
 */
public final class KeyNotification {

	/** The {@link #database()} of a notification whose channel names its database {@code *}. */
	static final int ANY_DATABASE = -1;

	private final ChannelType type;

	private final int database;

	private final ByteSlice key;

	private final ByteSlice event;

	private final ByteSlice[] subkeys;

	private final byte[] channel;

	private final byte[] message;

	private final byte[] pattern;

	private final String node;

	// Decoded on first use: the reader thread needs none of them and a handler usually one or
	// two. Racy single-check, like String.hashCode: a race only decodes twice, and Strings and
	// List.of lists are safe to publish that way.
	private String keyString;

	private String eventString;

	private String channelString;

	private String patternString;

	private List<String> subkeyStrings;

	/** @param eventName the {@link EventType} constant of a well-known event, else null (decoded on demand) */
	KeyNotification(ChannelType type, int database, ByteSlice key, ByteSlice event, String eventName,
			ByteSlice[] subkeys, byte[] channel, byte[] message, byte[] pattern, String node) {
		this.type = type;
		this.database = database;
		this.key = key;
		this.event = event;
		this.subkeys = subkeys;
		this.channel = channel;
		this.message = message;
		this.pattern = pattern;
		this.node = node;
		this.eventString = eventName;
	}

	/**
	 * Parse a message received on a channel that was subscribed to directly.
	 * @param channel the channel bytes; kept, not copied, so they must not be changed afterwards
	 * @param message the message bytes; kept, not copied, so they must not be changed afterwards
	 * @param keyPrefix only keys starting with these bytes are accepted, and the prefix is
	 * stripped from them; null or empty for no prefix
	 * @return the notification, or empty if the channel is not a notification channel, the key
	 * lies outside the prefix or the payload is malformed; never throws
	 */
	public static Optional<KeyNotification> parse(byte[] channel, byte[] message, byte[] keyPrefix) {
		return parse(channel, message, keyPrefix, null, null);
	}

	/**
	 * Parse a message, recording where it came from.
	 * @param channel the channel bytes; kept, not copied, so they must not be changed afterwards
	 * @param message the message bytes; kept, not copied, so they must not be changed afterwards
	 * @param keyPrefix only keys starting with these bytes are accepted, and the prefix is
	 * stripped from them; null or empty for no prefix
	 * @param pattern the pattern that matched for a pattern subscription, else null; kept, not
	 * copied
	 * @param node {@code host:port} of the node the message came from, or null
	 * @return the notification, or empty if the channel is not a notification channel, the key
	 * lies outside the prefix or the payload is malformed; never throws
	 */
	public static Optional<KeyNotification> parse(byte[] channel, byte[] message, byte[] keyPrefix, byte[] pattern,
			String node) {
		return Optional.ofNullable(NotificationParser.parse(channel, message, keyPrefix, pattern, node));
	}

	public ChannelType type() {
		return this.type;
	}

	/**
	 * The database number from the channel name.
	 * @return the database, or -1 when the channel names it {@code *}
	 */
	public int database() {
		return this.database;
	}

	/**
	 * The key, without the key prefix, decoded as UTF-8 (malformed bytes replaced).
	 * @return the key, possibly empty
	 */
	public String key() {
		String decoded = this.keyString;
		if (decoded == null) {
			decoded = this.key.decode();
			this.keyString = decoded;
		}
		return decoded;
	}

	/**
	 * A hash of the exact key bytes, equal for equal keys and computed without decoding or
	 * copying them; the dispatcher uses it to keep one key's notifications in order.
	 * @return the hash
	 */
	public int keyHash() {
		return this.key.hashCode();
	}

	/**
	 * The exact key bytes, without the key prefix.
	 * @return a fresh copy
	 */
	public byte[] keyBytes() {
		return this.key.toArray();
	}

	/** The key bytes without a copy, for filters on the reader thread. */
	ByteSlice keySlice() {
		return this.key;
	}

	/** The event bytes without a copy, for filters on the reader thread. */
	ByteSlice eventSlice() {
		return this.event;
	}

	/**
	 * The event, for example {@link EventType#SET}; any name the server sends is passed through.
	 * @return the event, never empty
	 */
	public String event() {
		String decoded = this.eventString;
		if (decoded == null) {
			decoded = this.event.decode();
			this.eventString = decoded;
		}
		return decoded;
	}

	/**
	 * The subkeys (hash fields) the event touched, decoded as UTF-8.
	 * @return an unmodifiable list, empty for KEYSPACE and KEYEVENT notifications
	 */
	public List<String> subkeys() {
		List<String> decoded = this.subkeyStrings;
		if (decoded == null) {
			String[] strings = new String[this.subkeys.length];
			for (int i = 0; i < strings.length; i++) {
				strings[i] = this.subkeys[i].decode();
			}
			decoded = List.of(strings);
			this.subkeyStrings = decoded;
		}
		return decoded;
	}

	/**
	 * The exact subkey bytes.
	 * @return an unmodifiable list of fresh copies, empty for KEYSPACE and KEYEVENT notifications
	 */
	public List<byte[]> subkeyBytes() {
		byte[][] copies = new byte[this.subkeys.length][];
		for (int i = 0; i < copies.length; i++) {
			copies[i] = this.subkeys[i].toArray();
		}
		return List.of(copies);
	}

	/**
	 * The channel the message arrived on, as sent (including any key prefix).
	 * @return the channel name, decoded as UTF-8
	 */
	public String channel() {
		String decoded = this.channelString;
		if (decoded == null) {
			decoded = new String(this.channel, StandardCharsets.UTF_8);
			this.channelString = decoded;
		}
		return decoded;
	}

	/**
	 * The channel exactly as received, for passing the notification on (e.g. into a Redis
	 * Stream) and parsing it again with {@link #parse(byte[], byte[], byte[], byte[], String)}.
	 * @return a copy of the channel bytes
	 */
	public byte[] channelBytes() {
		return this.channel.clone();
	}

	/**
	 * The message (payload) exactly as received; see {@link #channelBytes()}.
	 * @return a copy of the message bytes
	 */
	public byte[] messageBytes() {
		return this.message.clone();
	}

	/**
	 * The pattern that matched, for a pattern subscription.
	 * @return the pattern, or null if the channel was subscribed to directly
	 */
	public String pattern() {
		String decoded = this.patternString;
		if (decoded == null && this.pattern != null) {
			decoded = new String(this.pattern, StandardCharsets.UTF_8);
			this.patternString = decoded;
		}
		return decoded;
	}

	/**
	 * The node the notification came from.
	 * @return {@code host:port}, or null if unknown
	 */
	public String node() {
		return this.node;
	}

	/**
	 * Whether the key is part of the channel name, as for keyspace notifications.
	 * @return {@code type().keyInChannel()}
	 */
	public boolean isKeyspace() {
		return this.type.keyInChannel();
	}

	/**
	 * Whether the key (without the key prefix) starts with the UTF-8 bytes of a prefix. Compares
	 * bytes, so it also works for keys that are not valid UTF-8.
	 * @param prefix the prefix to test
	 * @return true if the key starts with the prefix
	 */
	public boolean keyStartsWith(String prefix) {
		return this.key.startsWith(prefix.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof KeyNotification that && this.type == that.type && this.database == that.database
				&& this.key.equals(that.key) && this.event.equals(that.event)
				&& Arrays.equals(this.subkeys, that.subkeys) && Arrays.equals(this.channel, that.channel)
				&& Arrays.equals(this.pattern, that.pattern) && Objects.equals(this.node, that.node);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.type, this.database, this.key, this.event, Arrays.hashCode(this.subkeys),
				Arrays.hashCode(this.channel), Arrays.hashCode(this.pattern), this.node);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("KeyNotification[type=").append(this.type)
			.append(", database=").append(this.database)
			.append(", key=").append(key())
			.append(", event=").append(event());
		if (this.subkeys.length > 0) {
			text.append(", subkeys=").append(subkeys());
		}
		if (this.pattern != null) {
			text.append(", pattern=").append(pattern());
		}
		if (this.node != null) {
			text.append(", node=").append(this.node);
		}
		return text.append(']').toString();
	}

}
