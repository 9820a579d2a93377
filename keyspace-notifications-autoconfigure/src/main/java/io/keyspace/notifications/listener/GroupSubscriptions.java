package io.keyspace.notifications.listener;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.channel.NotificationChannel;

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

	private final Set<KeyEventEndpoint> subscribed = new LinkedHashSet<>(); // in their groups

	private final Set<KeyEventEndpoint> paused = new HashSet<>(); // of those, not handling here

	private volatile Supplier<NotificationGroups> source; // read without the container's lock

	private volatile NotificationGroups groups; // set once, under the container's lock; read without it

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
			groups(endpoint).subscribe(endpoint.group(), endpoint.handler(), channels);
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

}
