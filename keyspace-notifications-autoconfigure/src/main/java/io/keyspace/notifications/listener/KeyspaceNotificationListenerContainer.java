package io.keyspace.notifications.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.channel.NotificationChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Owns the subscriptions of all registered handlers. Reading starts when the application
 * context has been refreshed (so no handler is called on a half-built context) and stops
 * first on shutdown; the handler threads are released when the {@link KeyspaceNotifications}
 * bean is closed, after running handlers finished within the shutdown timeout.
 */
public class KeyspaceNotificationListenerContainer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(KeyspaceNotificationListenerContainer.class);

	private final KeyspaceNotifications notifications;

	private final List<KeyEventEndpoint> endpoints = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	public KeyspaceNotificationListenerContainer(KeyspaceNotifications notifications) {
		this.notifications = notifications;
	}

	/** Adds a handler; subscribed at once if the container is running, else on {@link #start()}. */
	public synchronized void register(KeyEventEndpoint endpoint) {
		this.endpoints.add(endpoint);
		if (this.running) {
			subscribe(endpoint);
		}
	}

	public List<KeyEventEndpoint> endpoints() {
		return List.copyOf(this.endpoints);
	}

	public KeyspaceNotifications notifications() {
		return this.notifications;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		for (KeyEventEndpoint endpoint : this.endpoints) {
			subscribe(endpoint);
		}
		this.running = true;
		logger.info("Listening for keyspace notifications with {} handler(s) on {}", this.endpoints.size(),
				this.notifications);
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		List<NotificationChannel> channels = new ArrayList<>();
		this.endpoints.forEach((endpoint) -> channels.addAll(endpoint.channels()));
		try {
			this.notifications.unsubscribe(channels.toArray(new NotificationChannel[0]));
		}
		catch (RuntimeException ex) {
			logger.debug("Unsubscribing on stop failed; the connections are closed anyway", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void subscribe(KeyEventEndpoint endpoint) {
		try {
			this.notifications.subscribe(endpoint.handler(), endpoint.channels().toArray(new NotificationChannel[0]));
		}
		catch (IllegalArgumentException ex) {
			throw new KeyspaceNotificationsException("Cannot subscribe @OnKeyEvent handler " + endpoint.id() + " to "
					+ endpoint.channels() + ": " + ex.getMessage(), ex);
		}
	}

}
