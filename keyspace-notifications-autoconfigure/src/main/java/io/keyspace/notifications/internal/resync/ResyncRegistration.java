package io.keyspace.notifications.internal.resync;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * One resynced handler: what is registered for its live notifications, its listener, and the
 * channels (hence the keys) it resyncs. Threading: changed by the {@link Resyncer} under its
 * monitor; the scope is read by the resync thread and handler threads without it.
 */
final class ResyncRegistration {

	private final KeyNotificationHandler registered;

	private final ResyncedHandler handler;

	private final KeyNotificationFilter filter;

	private final ResyncListener listener;

	private final byte[] keyPrefix;

	private final Set<NotificationChannel> channels = new LinkedHashSet<>();

	private volatile ResyncScope scope;

	/** @param handler as the caller subscribes it: a {@link FilteredHandler} keeps its filter outermost */
	ResyncRegistration(KeyNotificationHandler handler, ResyncListener listener, byte[] keyPrefix) {
		FilteredHandler filtered = (handler instanceof FilteredHandler f) ? f : null;
		this.filter = (filtered != null) ? filtered.filter() : null;
		this.handler = new ResyncedHandler((filtered != null) ? filtered.handler() : handler);
		this.registered = (filtered != null) ? new FilteredHandler(this.filter, this.handler) : this.handler;
		this.listener = listener;
		this.keyPrefix = keyPrefix;
	}

	/**
	 * Adds channels, checking first that each names keys to resync.
	 * @throws IllegalArgumentException naming a channel without a key
	 */
	void add(List<NotificationChannel> added) {
		Set<NotificationChannel> all = new LinkedHashSet<>(this.channels);
		all.addAll(added);
		this.scope = ResyncScope.of(all, this.filter, this.keyPrefix);
		this.channels.addAll(added);
	}

	/** Removes channels; returns whether any is left. */
	boolean remove(List<NotificationChannel> removed) {
		this.channels.removeAll(removed);
		if (!this.channels.isEmpty()) {
			this.scope = ResyncScope.of(this.channels, this.filter, this.keyPrefix);
		}
		return !this.channels.isEmpty();
	}

	/** What the registry holds for live notifications. */
	KeyNotificationHandler registered() {
		return this.registered;
	}

	ResyncedHandler handler() {
		return this.handler;
	}

	ResyncListener listener() {
		return this.listener;
	}

	ResyncScope scope() {
		return this.scope;
	}

	@Override
	public String toString() {
		return this.handler.toString();
	}

}
