package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
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
	public String part(Part part) {
		return (part == Part.KEY) ? this.keyOrPattern : null;
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
