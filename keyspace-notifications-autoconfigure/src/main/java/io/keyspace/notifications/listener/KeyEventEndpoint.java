package io.keyspace.notifications.listener;

import java.util.List;

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
 */
public record KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler) {

	public KeyEventEndpoint {
		channels = List.copyOf(channels);
		if (channels.isEmpty()) {
			throw new IllegalArgumentException("Endpoint " + id + " has no channel");
		}
	}

}
