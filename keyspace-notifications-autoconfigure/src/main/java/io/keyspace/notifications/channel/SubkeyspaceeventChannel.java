package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;

/**
 * {@code __subkeyspaceevent@<db>__:<event>|<key>}: one subkey event on one key, each message
 * naming the subkeys.
 *
 * @param event the event, or a glob pattern over events
 * @param keyOrPattern the key, or a glob pattern over keys
 * @param db the database
 */
public record SubkeyspaceeventChannel(String event, String keyOrPattern, int db) implements NotificationChannel {

	public SubkeyspaceeventChannel {
		Channels.requireText(event, "event");
		Channels.requireText(keyOrPattern, "keyOrPattern");
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param event the event, or a glob pattern over events
	 * @param keyOrPattern the key, or a glob pattern over keys
	 */
	public SubkeyspaceeventChannel(String event, String keyOrPattern) {
		this(event, keyOrPattern, 0);
	}

	@Override
	public ChannelType type() {
		return ChannelType.SUBKEYSPACEEVENT;
	}

	@Override
	public String part(Part part) {
		return switch (part) {
			case EVENT -> this.event;
			case KEY -> this.keyOrPattern;
			case SUBKEY -> null;
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
