package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;

/**
 * {@code __keyevent@<db>__:<event>}: one event, or the events matching a pattern, on any key.
 *
 * @param event the event, or a glob pattern over events
 * @param db the database
 */
public record KeyeventChannel(String event, int db) implements NotificationChannel {

	public KeyeventChannel {
		Channels.requireText(event, "event");
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param event the event, or a glob pattern over events
	 */
	public KeyeventChannel(String event) {
		this(event, 0);
	}

	/**
	 * Every event on any key in database 0.
	 * @return {@code __keyevent@0__:*}
	 */
	public static KeyeventChannel allEvents() {
		return new KeyeventChannel("*");
	}

	/**
	 * Every event on any key.
	 * @param db the database
	 * @return {@code __keyevent@<db>__:*}
	 */
	public static KeyeventChannel allEvents(int db) {
		return new KeyeventChannel("*", db);
	}

	@Override
	public ChannelType type() {
		return ChannelType.KEYEVENT;
	}

	@Override
	public String part(Part part) {
		return (part == Part.EVENT) ? this.event : null;
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
