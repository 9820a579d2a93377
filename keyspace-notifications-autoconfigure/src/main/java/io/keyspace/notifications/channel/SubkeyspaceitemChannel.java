package io.keyspace.notifications.channel;

import java.util.Optional;

import io.keyspace.notifications.ChannelType;

/**
 * {@code __subkeyspaceitem@<db>__:<key>\n<subkey>}: events on one subkey (hash field) of a key.
 * Redis only publishes it for keys without a newline.
 *
 * @param keyOrPattern the key, or a glob pattern over keys
 * @param subkeyOrPattern the subkey, or a glob pattern over subkeys; may be empty, as a hash
 * field may
 * @param db the database
 */
public record SubkeyspaceitemChannel(String keyOrPattern, String subkeyOrPattern, int db)
		implements NotificationChannel {

	public SubkeyspaceitemChannel {
		Channels.requireText(keyOrPattern, "keyOrPattern");
		if (subkeyOrPattern == null) {
			throw new IllegalArgumentException("subkeyOrPattern must not be null");
		}
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param keyOrPattern the key, or a glob pattern over keys
	 * @param subkeyOrPattern the subkey, or a glob pattern over subkeys
	 */
	public SubkeyspaceitemChannel(String keyOrPattern, String subkeyOrPattern) {
		this(keyOrPattern, subkeyOrPattern, 0);
	}

	@Override
	public ChannelType type() {
		return ChannelType.SUBKEYSPACEITEM;
	}

	@Override
	public boolean isPattern() {
		return RedisGlob.isPattern(this.keyOrPattern) || RedisGlob.isPattern(this.subkeyOrPattern);
	}

	/** The key when it is literal, even if the subkey is a pattern: one slot owns all its subkeys. */
	@Override
	public Optional<String> exactKey() {
		return Channels.exactKey(this.keyOrPattern);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SubkeyspaceitemChannel that && toString().equals(that.toString());
	}

	@Override
	public int hashCode() {
		return toString().hashCode();
	}

	@Override
	public String toString() {
		return Channels.name(type(), this.db, this.keyOrPattern + "\n" + this.subkeyOrPattern);
	}

}
