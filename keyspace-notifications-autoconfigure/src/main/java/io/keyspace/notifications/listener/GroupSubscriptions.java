package io.keyspace.notifications.listener;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.channel.NotificationChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's handlers that have a group: subscribed with a {@link NotificationGroups}
 * rather than directly, so that each notification is handled once across the application's
 * instances. The groups are asked for only when the first such handler is subscribed (the
 * auto-configured bean is lazy: without group handlers no Redis client is opened for it).
 * <p>
 * A group handler joins its group when first started and stays in it until the application
 * closes; stopped (by id, or with the container) it is paused: this instance goes on
 * forwarding, so nothing is lost, and its entries wait in the stream or are handled by the
 * other instances.
 * <p>
 * Not thread-safe: the container calls it under its lifecycle lock (but {@link #available()}
 * and {@link #current()}).
 */
final class GroupSubscriptions {

	private static final Logger logger = LoggerFactory.getLogger(GroupSubscriptions.class);

	private final KeyspaceNotifications notifications;

	private final Set<KeyEventEndpoint> subscribed = new LinkedHashSet<>(); // in their groups

	private final Set<KeyEventEndpoint> paused = new HashSet<>(); // of those, not handling here

	private volatile Supplier<NotificationGroups> source; // read without the container's lock

	private volatile NotificationGroups groups; // set once, under the container's lock; read without it

	GroupSubscriptions(KeyspaceNotifications notifications) {
		this.notifications = notifications;
	}

	void setSource(Supplier<NotificationGroups> source) {
		this.source = source;
	}

	boolean available() {
		return this.source != null;
	}

	/** The groups the handlers were subscribed with, null before the first one was. */
	NotificationGroups current() {
		return this.groups;
	}

	boolean isSubscribed(KeyEventEndpoint endpoint) {
		return this.subscribed.contains(endpoint);
	}

	int size() {
		return this.subscribed.size();
	}

	/** Subscribes the handler in its group, or resumes it if it was paused. */
	void subscribe(KeyEventEndpoint endpoint) {
		if (this.paused.remove(endpoint)) {
			this.groups.resume(endpoint.group());
			return;
		}
		if (this.subscribed.contains(endpoint)) {
			return;
		}
		NotificationChannel[] channels = endpoint.channels().toArray(new NotificationChannel[0]);
		try {
			groups(endpoint).subscribe(endpoint.group(), observed(endpoint.handler()), channels);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new KeyspaceNotificationsException("Cannot subscribe @OnKeyEvent handler " + endpoint.id()
					+ " in group '" + endpoint.group() + "' to " + endpoint.channels() + ": " + ex.getMessage(), ex);
		}
		this.subscribed.add(endpoint);
	}

	/**
	 * Pauses these handlers (stopped by id, or the container stopped): this instance stops
	 * handling their groups' entries, which wait in the streams, and goes on forwarding.
	 * Returns when no call of the handlers runs anymore.
	 */
	void pause(Collection<KeyEventEndpoint> endpoints) {
		for (KeyEventEndpoint endpoint : endpoints) {
			if (this.subscribed.contains(endpoint) && this.paused.add(endpoint)) {
				this.groups.pause(endpoint.group());
			}
		}
	}

	void pauseAll() {
		pause(List.copyOf(this.subscribed));
	}

	/**
	 * Forgets the subscriptions, as the application closes: the caller closes the groups
	 * returned (null if no handler was subscribed), outside the container's lifecycle lock, since
	 * closing waits for the groups' threads.
	 */
	NotificationGroups release() {
		this.subscribed.clear();
		this.paused.clear();
		return this.groups;
	}

	private NotificationGroups groups(KeyEventEndpoint endpoint) {
		if (this.groups == null) {
			NotificationGroups found = (this.source != null) ? this.source.get() : null;
			if (found == null) {
				throw new KeyspaceNotificationsException("@OnKeyEvent handler " + endpoint.id() + " has group '"
						+ endpoint.group() + "', but the listener container has no NotificationGroups to run it; "
						+ "define a NotificationGroups bean (auto-configured with spring.data.redis.*) or call "
						+ "setNotificationGroups(...) on the container");
			}
			this.groups = found;
		}
		return this.groups;
	}

	/**
	 * The handler called through the notifications' {@link HandlerObserver}, so a group
	 * handler's calls are timed and traced like the others although the group's reader thread
	 * calls it. Any filter stays outermost: the groups apply it before forwarding.
	 */
	private KeyNotificationHandler observed(KeyNotificationHandler handler) {
		NotificationOptions options = this.notifications.options();
		HandlerObserver observer = (options != null) ? options.handlerObserver() : HandlerObserver.NONE;
		if (observer == HandlerObserver.NONE) {
			return handler;
		}
		if (handler instanceof FilteredHandler filtered) {
			return new FilteredHandler(filtered.filter(), new ObservedHandler(observer, filtered.handler()));
		}
		return new ObservedHandler(observer, handler);
	}

	private record ObservedHandler(HandlerObserver observer, KeyNotificationHandler handler)
			implements KeyNotificationHandler {

		@Override
		public void onNotification(KeyNotification notification) {
			this.observer.call(this.handler, notification);
		}

		/** The handler's name, for logs and the error handler. */
		@Override
		public String toString() {
			return this.handler.toString();
		}

	}

}
