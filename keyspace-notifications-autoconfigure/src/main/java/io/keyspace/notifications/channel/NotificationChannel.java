package io.keyspace.notifications.channel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;

/**
 * A keyspace notification channel to subscribe to. Its layout (which of key, event and subkey
 * the name carries, in which order) comes from its {@link ChannelType}.
 * <p>
 * Keys, events and subkeys are written in {@link RedisGlob} syntax. A channel with a wildcard in
 * any part is a pattern, subscribed with {@code PSUBSCRIBE}; Redis's glob honours backslash
 * escapes, so its name keeps them (and literal parts next to a wildcard part are escaped). A
 * channel without wildcards is subscribed with {@code SUBSCRIBE}, which takes names literally: its
 * name is sent with the escapes removed, so {@code new KeyspaceChannel("a\\*b")} subscribes
 * {@code __keyspace@0__:a*b} and hears the key {@code a*b}.
 * <p>
 * Two channels are equal when they are subscribed the same way to the same name.
 */
public sealed interface NotificationChannel permits KeyspaceChannel, KeyeventChannel, SubkeyspaceChannel,
		SubkeyeventChannel, SubkeyspaceitemChannel, SubkeyspaceeventChannel {

	/**
	 * A channel of a kind, from its parts.
	 * @param type the kind
	 * @param db the database
	 * @param parts the values of {@code type.channelParts()}, in that order, in glob syntax
	 * @return the channel
	 */
	static NotificationChannel of(ChannelType type, int db, String... parts) {
		if (parts.length != type.channelParts().size()) {
			throw new IllegalArgumentException(type + " channels have the parts " + type.channelParts() + ", got "
					+ parts.length + " value(s)");
		}
		return switch (type) {
			case KEYSPACE -> new KeyspaceChannel(parts[0], db);
			case KEYEVENT -> new KeyeventChannel(parts[0], db);
			case SUBKEYSPACE -> new SubkeyspaceChannel(parts[0], db);
			case SUBKEYEVENT -> new SubkeyeventChannel(parts[0], db);
			case SUBKEYSPACEITEM -> new SubkeyspaceitemChannel(parts[0], parts[1], db);
			case SUBKEYSPACEEVENT -> new SubkeyspaceeventChannel(parts[0], parts[1], db);
		};
	}

	/**
	 * The database the channel belongs to.
	 * @return the database, at least 0
	 */
	int db();

	/**
	 * The channel kind.
	 * @return the kind
	 */
	ChannelType type();

	/**
	 * One part of the channel name, as given (glob syntax, escapes kept).
	 * @param part the part
	 * @return the key, event or subkey, or null if this kind's name does not carry the part
	 */
	String part(Part part);

	/**
	 * Whether the channel name is a glob pattern and must be subscribed with {@code PSUBSCRIBE}.
	 * @return true if any part of the name is a pattern
	 */
	default boolean isPattern() {
		for (Part part : type().channelParts()) {
			if (RedisGlob.isPattern(part(part))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The one key this channel is about, when its key part is literal. Cluster code sends such
	 * a channel only to the primary owning the key's slot.
	 * @return the key with escapes removed, or empty for event-only channels and key patterns
	 */
	default Optional<String> exactKey() {
		String key = part(Part.KEY);
		return (key == null || RedisGlob.isPattern(key)) ? Optional.empty() : Optional.of(RedisGlob.unescape(key));
	}

	/**
	 * The channel name exactly as sent to Redis.
	 * @return for example {@code __keyspace@0__:user:*}
	 */
	@Override
	String toString();

	/**
	 * The channel name as sent on the wire.
	 * @return the UTF-8 bytes of {@link #toString()}
	 */
	default byte[] toBytes() {
		return toString().getBytes(StandardCharsets.UTF_8);
	}

}
