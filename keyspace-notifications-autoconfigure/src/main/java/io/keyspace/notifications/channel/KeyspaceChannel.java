package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;

/**
 * {@code __keyspace@<db>__:<key>}: every event on one key, or on the keys matching a pattern.
 *
 * @param keyOrPattern the key, or a glob pattern over keys
 * @param db the database
 */
public record KeyspaceChannel(String keyOrPattern, int db) implements NotificationChannel {

	public KeyspaceChannel {
		Channels.requireText(keyOrPattern, "keyOrPattern");
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param keyOrPattern the key, or a glob pattern over keys
	 */
	public KeyspaceChannel(String keyOrPattern) {
		this(keyOrPattern, 0);
	}

	@Override
	public ChannelType type() {
		return ChannelType.KEYSPACE;
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
