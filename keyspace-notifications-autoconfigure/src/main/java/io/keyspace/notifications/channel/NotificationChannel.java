package io.keyspace.notifications.channel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.keyspace.notifications.ChannelType;

/**
 * A keyspace notification channel to subscribe to. Two channels are equal when their channel
 * names are.
 * <p>
 * A part that is not a glob pattern (see {@link RedisGlob#isPattern(String)}) is subscribed to
 * literally with {@code SUBSCRIBE}, where Redis applies no escaping: a backslash in it is part
 * of the key or event.
 */
public sealed interface NotificationChannel permits KeyspaceChannel, KeyeventChannel, SubkeyspaceChannel,
		SubkeyeventChannel, SubkeyspaceitemChannel, SubkeyspaceeventChannel {

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
	 * Whether the channel name is a glob pattern and must be subscribed with {@code PSUBSCRIBE}.
	 * @return true if any variable part of the name is a pattern
	 */
	boolean isPattern();

	/**
	 * The one key this channel is about, when its key part is literal. Cluster code sends such
	 * a channel only to the primary owning the key's slot.
	 * @return the key, or empty for event-only channels and key patterns
	 */
	Optional<String> exactKey();

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
