package io.keyspace.notifications.internal.match;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationSink;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * One channel with its receivers: handlers (each with an optional filter), sinks offered to on
 * the reader thread, and pull mode. Immutable: the registry replaces
 * it on every change, so reader threads use it without a lock.
 */
public final class Subscription {

	private static final KeyNotificationHandler[] NONE = {};

	private static final NotificationSink[] NO_SINKS = {};

	private final NotificationChannel channel;

	private final KeyNotificationHandler[] handlers;

	// Parallel to handlers; null when no handler has a filter, the common case that costs nothing.
	private final KeyNotificationFilter[] filters;

	private final NotificationSink[] sinks;

	private final boolean pull;

	private Subscription(NotificationChannel channel, KeyNotificationHandler[] handlers,
			KeyNotificationFilter[] filters, NotificationSink[] sinks, boolean pull) {
		this.channel = channel;
		this.handlers = handlers;
		this.filters = filters;
		this.sinks = sinks;
		this.pull = pull;
	}

	static Subscription empty(NotificationChannel channel) {
		return new Subscription(channel, NONE, null, NO_SINKS, false);
	}

	public NotificationChannel channel() {
		return this.channel;
	}

	/** Whether notifications also go to the pull queue. */
	public boolean pull() {
		return this.pull;
	}

	/** The sinks to offer every notification to, on the reader thread; empty if none. */
	public NotificationSink[] sinks() {
		return this.sinks;
	}

	/** Whether any handler is registered, whatever its filter. */
	public boolean hasHandlers() {
		return this.handlers.length > 0;
	}

	/**
	 * The handlers that want a notification, in registration order. Allocates only when some but
	 * not all of them want it.
	 * @param notification the notification
	 * @return the handlers, empty if none wants it
	 */
	public KeyNotificationHandler[] handlersFor(KeyNotification notification) {
		if (this.filters == null) {
			return this.handlers;
		}
		int count = 0;
		for (int i = 0; i < this.handlers.length; i++) {
			count += wants(i, notification) ? 1 : 0;
		}
		if (count == this.handlers.length) {
			return this.handlers;
		}
		if (count == 0) {
			return NONE;
		}
		// Some but not all: test again rather than keep a per-message array of answers.
		KeyNotificationHandler[] wanted = new KeyNotificationHandler[count];
		for (int i = 0, w = 0; w < count; i++) {
			if (wants(i, notification)) {
				wanted[w++] = this.handlers[i];
			}
		}
		return wanted;
	}

	/**
	 * The event globs that limit what this channel's receivers want, for the server flags a
	 * channel needs: the union of the handlers' event filters.
	 * @return the globs, or empty when some receiver takes every event (a handler without an
	 * event filter, or pull mode)
	 */
	public Optional<Set<String>> eventGlobs() {
		if (this.pull || this.sinks.length > 0 || this.filters == null) {
			return Optional.empty();
		}
		Set<String> globs = new LinkedHashSet<>();
		for (KeyNotificationFilter filter : this.filters) {
			if (filter == null || filter.eventGlobs().isEmpty()) {
				return Optional.empty();
			}
			globs.addAll(filter.eventGlobs());
		}
		return Optional.of(globs);
	}

	private boolean wants(int index, KeyNotification notification) {
		return this.filters[index] == null || this.filters[index].test(notification);
	}

	Subscription withPull() {
		return new Subscription(this.channel, this.handlers, this.filters, this.sinks, true);
	}

	/** Adds a sink; the same sink twice counts once. */
	Subscription with(NotificationSink sink) {
		if (Arrays.asList(this.sinks).contains(sink)) {
			return this;
		}
		NotificationSink[] more = Arrays.copyOf(this.sinks, this.sinks.length + 1);
		more[this.sinks.length] = sink;
		return new Subscription(this.channel, this.handlers, this.filters, more, this.pull);
	}

	/** Removes a sink; {@code this} if it has no such sink. */
	Subscription without(NotificationSink sink) {
		int index = Arrays.asList(this.sinks).indexOf(sink);
		return (index < 0) ? this
				: new Subscription(this.channel, this.handlers, this.filters, remove(this.sinks, index), this.pull);
	}

	/** Adds a handler with its filter ({@code null} for none); the same pair twice counts once. */
	Subscription with(KeyNotificationHandler handler, KeyNotificationFilter filter) {
		for (int i = 0; i < this.handlers.length; i++) {
			if (this.handlers[i].equals(handler) && Objects.equals(filterAt(i), filter)) {
				return this;
			}
		}
		int size = this.handlers.length;
		KeyNotificationHandler[] moreHandlers = Arrays.copyOf(this.handlers, size + 1);
		moreHandlers[size] = handler;
		KeyNotificationFilter[] moreFilters = null;
		if (this.filters != null || filter != null) {
			moreFilters = (this.filters != null) ? Arrays.copyOf(this.filters, size + 1)
					: new KeyNotificationFilter[size + 1];
			moreFilters[size] = filter;
		}
		return new Subscription(this.channel, moreHandlers, moreFilters, this.sinks, this.pull);
	}

	/** Removes a handler with its filter ({@code null} for none); {@code this} if it has no such pair. */
	Subscription without(KeyNotificationHandler handler, KeyNotificationFilter filter) {
		for (int i = 0; i < this.handlers.length; i++) {
			if (this.handlers[i].equals(handler) && Objects.equals(filterAt(i), filter)) {
				return new Subscription(this.channel, remove(this.handlers, i),
						(this.filters != null) ? remove(this.filters, i) : null, this.sinks, this.pull);
			}
		}
		return this;
	}

	/** Whether neither a handler, a sink nor pull mode wants this channel anymore. */
	boolean isEmpty() {
		return this.handlers.length == 0 && this.sinks.length == 0 && !this.pull;
	}

	private static <T> T[] remove(T[] array, int index) {
		T[] shorter = Arrays.copyOf(array, array.length - 1);
		System.arraycopy(array, index + 1, shorter, index, array.length - index - 1);
		return shorter;
	}

	private KeyNotificationFilter filterAt(int index) {
		return (this.filters != null) ? this.filters[index] : null;
	}

	@Override
	public String toString() {
		return "Subscription[" + this.channel + ", handlers=" + Arrays.toString(this.handlers) + ", filters="
				+ Arrays.toString(this.filters) + ", sinks=" + this.sinks.length + ", pull=" + this.pull + "]";
	}

}
