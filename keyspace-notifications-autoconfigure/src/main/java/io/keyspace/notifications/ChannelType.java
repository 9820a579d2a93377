package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of keyspace notification channels Redis publishes on, identified by the prefix of
 * the channel name.
 */
public enum ChannelType {

	/** {@code __keyspace@<db>__:<key>}, message = event. */
	KEYSPACE("__keyspace@", true, "", Part.KEY),

	/** {@code __keyevent@<db>__:<event>}, message = key. */
	KEYEVENT("__keyevent@", false, "", Part.EVENT),

	/** {@code __subkeyspace@<db>__:<key>}, message = event and subkeys. */
	SUBKEYSPACE("__subkeyspace@", true, "", Part.KEY),

	/** {@code __subkeyevent@<db>__:<event>}, message = key and subkeys. */
	SUBKEYEVENT("__subkeyevent@", false, "", Part.EVENT),

	/** {@code __subkeyspaceitem@<db>__:<key>\n<subkey>}, message = event. */
	SUBKEYSPACEITEM("__subkeyspaceitem@", true, "\n", Part.KEY, Part.SUBKEY),

	/** {@code __subkeyspaceevent@<db>__:<event>|<key>}, message = subkeys. */
	SUBKEYSPACEEVENT("__subkeyspaceevent@", false, "|", Part.EVENT, Part.KEY);

	/** A variable part of a channel name, after {@code __<kind>@<db>__:}. */
	public enum Part {

		/** The key, or a key glob. */
		KEY,

		/** The event, or an event glob. */
		EVENT,

		/** The subkey (hash field), or a subkey glob. */
		SUBKEY

	}

	// Longest prefix first, so a longer prefix is never shadowed by a shorter one it starts with.
	private static final ChannelType[] BY_PREFIX_LENGTH = { SUBKEYSPACEEVENT, SUBKEYSPACEITEM, SUBKEYSPACE,
			SUBKEYEVENT, KEYSPACE, KEYEVENT };

	private final String prefix;

	private final byte[] prefixBytes;

	private final boolean keyInChannel;

	private final String separator;

	private final List<Part> channelParts;

	ChannelType(String prefix, boolean keyInChannel, String separator, Part... channelParts) {
		this.prefix = prefix;
		this.prefixBytes = prefix.getBytes(StandardCharsets.US_ASCII);
		this.keyInChannel = keyInChannel;
		this.separator = separator;
		this.channelParts = List.of(channelParts);
	}

	/**
	 * The variable parts of this kind's channel name, in the order they appear.
	 * @return for example {@code [EVENT, KEY]} for SUBKEYSPACEEVENT
	 */
	public List<Part> channelParts() {
		return this.channelParts;
	}

	/**
	 * Whether the channel name carries a part; what it does not carry can only be filtered in
	 * the client.
	 * @param part the part
	 * @return true if the part is in {@link #channelParts()}
	 */
	public boolean inChannel(Part part) {
		return this.channelParts.contains(part);
	}

	/**
	 * A channel name of this kind.
	 * @param db the database
	 * @param parts the values of {@link #channelParts()}, in that order, exactly as they go on the wire
	 * @return for example {@code __subkeyspaceevent@0__:hset|user:1}
	 */
	public String channelName(int db, String... parts) {
		if (parts.length != this.channelParts.size()) {
			throw new IllegalArgumentException(this + " channels have the parts " + this.channelParts + ", got "
					+ parts.length + " value(s)");
		}
		return this.prefix + db + "__:" + String.join(this.separator, parts);
	}

	/**
	 * The channel name prefix, up to and including the {@code @} before the database.
	 * @return the prefix, for example {@code "__keyspace@"}
	 */
	public String prefix() {
		return this.prefix;
	}

	/**
	 * Whether the key is part of the channel name (the keyspace-style kinds) rather than of the
	 * message (the event-named kinds).
	 * @return true for KEYSPACE, SUBKEYSPACE and SUBKEYSPACEITEM
	 */
	public boolean keyInChannel() {
		return this.keyInChannel;
	}

	/**
	 * The kind of a channel name.
	 * @param channel a channel name, may be null
	 * @return the kind, or empty if the name is not a keyspace notification channel
	 */
	public static Optional<ChannelType> of(String channel) {
		if (channel != null) {
			for (ChannelType type : BY_PREFIX_LENGTH) {
				if (channel.startsWith(type.prefix)) {
					return Optional.of(type);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The kind of a raw channel name.
	 * @param channel the channel bytes as received, may be null
	 * @return the kind, or empty if the name is not a keyspace notification channel
	 */
	public static Optional<ChannelType> of(byte[] channel) {
		return Optional.ofNullable(find(channel));
	}

	/** Allocation-free variant of {@link #of(byte[])} for the parse path; null when unknown. */
	static ChannelType find(byte[] channel) {
		// Every prefix starts with "__": reject ordinary channels after two byte compares.
		if (channel == null || channel.length < 2 || channel[0] != '_' || channel[1] != '_') {
			return null;
		}
		for (ChannelType type : BY_PREFIX_LENGTH) {
			if (ByteSlice.startsWith(channel, 0, channel.length, type.prefixBytes)) {
				return type;
			}
		}
		return null;
	}

	int prefixLength() {
		return this.prefixBytes.length;
	}

}
