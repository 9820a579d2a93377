package io.keyspace.notifications.channel;

import java.util.Optional;

import io.keyspace.notifications.ChannelType;

/**
 * {@code __subkeyspace@<db>__:<key>}: subkey (hash field) events on one key, or on the keys
 * matching a pattern, each message naming the event and the subkeys.
 *
 * @param keyOrPattern the key, or a glob pattern over keys
 * @param db the database
 */
public record SubkeyspaceChannel(String keyOrPattern, int db) implements NotificationChannel {

	public SubkeyspaceChannel {
		Channels.requireText(keyOrPattern, "keyOrPattern");
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param keyOrPattern the key, or a glob pattern over keys
	 */
	public SubkeyspaceChannel(String keyOrPattern) {
		this(keyOrPattern, 0);
	}

	@Override
	public ChannelType type() {
		return ChannelType.SUBKEYSPACE;
	}

	@Override
	public boolean isPattern() {
		return RedisGlob.isPattern(this.keyOrPattern);
	}

	@Override
	public Optional<String> exactKey() {
		return Channels.exactKey(this.keyOrPattern);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SubkeyspaceChannel that && toString().equals(that.toString());
	}

	@Override
	public int hashCode() {
		return toString().hashCode();
	}

	@Override
	public String toString() {
		return Channels.name(type(), this.db, this.keyOrPattern);
	}

}
