package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
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
	public String part(Part part) {
		return switch (part) {
			case KEY -> this.keyOrPattern;
			case SUBKEY -> this.subkeyOrPattern;
			case EVENT -> null;
		};
	}

	@Override
	public boolean equals(Object other) {
		return Channels.equal(this, other);
	}

	@Override
	public int hashCode() {
		return Channels.hash(this);
	}

	@Override
	public String toString() {
		return Channels.wireName(this);
	}

}
