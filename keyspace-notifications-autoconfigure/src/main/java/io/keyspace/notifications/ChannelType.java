package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The kinds of keyspace notification channels Redis publishes on, identified by the prefix of
 * the channel name.
 */
public enum ChannelType {

	/** {@code __keyspace@<db>__:<key>}, message = event. */
	KEYSPACE("__keyspace@", true),

	/** {@code __keyevent@<db>__:<event>}, message = key. */
	KEYEVENT("__keyevent@", false),

	/** {@code __subkeyspace@<db>__:<key>}, message = event and subkeys. */
	SUBKEYSPACE("__subkeyspace@", true),

	/** {@code __subkeyevent@<db>__:<event>}, message = key and subkeys. */
	SUBKEYEVENT("__subkeyevent@", false),

	/** {@code __subkeyspaceitem@<db>__:<key>\n<subkey>}, message = event. */
	SUBKEYSPACEITEM("__subkeyspaceitem@", true),

	/** {@code __subkeyspaceevent@<db>__:<event>|<key>}, message = subkeys. */
	SUBKEYSPACEEVENT("__subkeyspaceevent@", false);

	// Longest prefix first, so a longer prefix is never shadowed by a shorter one it starts with.
	private static final ChannelType[] BY_PREFIX_LENGTH = { SUBKEYSPACEEVENT, SUBKEYSPACEITEM, SUBKEYSPACE,
			SUBKEYEVENT, KEYSPACE, KEYEVENT };

	private final String prefix;

	private final byte[] prefixBytes;

	private final boolean keyInChannel;

	ChannelType(String prefix, boolean keyInChannel) {
		this.prefix = prefix;
		this.prefixBytes = prefix.getBytes(StandardCharsets.US_ASCII);
		this.keyInChannel = keyInChannel;
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
