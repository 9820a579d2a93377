package io.keyspace.notifications.channel;

import java.util.Optional;

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
	public boolean isPattern() {
		return RedisGlob.isPattern(this.event) || RedisGlob.isPattern(this.keyOrPattern);
	}

	/** The key when it is literal, even if the event is a pattern: one slot owns the key. */
	@Override
	public Optional<String> exactKey() {
		return Channels.exactKey(this.keyOrPattern);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SubkeyspaceeventChannel that && toString().equals(that.toString());
	}

	@Override
	public int hashCode() {
		return toString().hashCode();
	}

	@Override
	public String toString() {
		return Channels.name(type(), this.db, this.event + "|" + this.keyOrPattern);
	}

}
