package io.keyspace.notifications.listener;

import java.util.List;
import java.util.Objects;

import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * One handler with the channels it listens to, as registered with a
 * {@link KeyspaceNotificationListenerContainer}.
 *
 * @param id a name for logs and metrics, e.g. {@code BeanClass#method}
 * @param channels the channels subscribed on the server
 * @param handler the handler; a {@link io.keyspace.notifications.FilteredHandler} when a key or
 * event the channels cannot carry is filtered in the client (on the reader thread, before queueing)
 * @param group the {@link io.keyspace.notifications.NotificationGroups group} that handles each
 * notification once across the application's instances, or empty: called in every instance
 */
public record KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler,
		String group) {

	public KeyEventEndpoint {
		channels = List.copyOf(channels);
		if (channels.isEmpty()) {
			throw new IllegalArgumentException("Endpoint " + id + " has no channel");
		}
		group = Objects.requireNonNullElse(group, "");
	}

	/** A handler called in every instance. */
	public KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler) {
		this(id, channels, handler, "");
	}

	/** Whether the handler belongs to a group, and is called once across instances. */
	public boolean grouped() {
		return !this.group.isEmpty();
	}

}
