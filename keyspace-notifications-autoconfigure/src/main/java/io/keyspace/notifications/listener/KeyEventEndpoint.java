package io.keyspace.notifications.listener;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.keyspace.notifications.FilteredHandler;
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
 * @param resync whether the handler is also called with a {@code resync} notification per existing
 * key when it starts and after every gap
 * ({@link io.keyspace.notifications.KeyspaceNotifications#subscribeResynced}); not with a group
 */
public record KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler,
		String group, boolean resync) {

	public KeyEventEndpoint {
		channels = List.copyOf(channels);
		if (channels.isEmpty()) {
			throw new IllegalArgumentException("Endpoint " + id + " has no channel");
		}
		group = Objects.requireNonNullElse(group, "");
		if (resync && !group.isEmpty()) {
			throw new IllegalArgumentException("Endpoint " + id + " cannot both resync and belong to group " + group);
		}
	}

	/** A handler called in every instance. */
	public KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler) {
		this(id, channels, handler, "", false);
	}

	/** A handler that is not resynced. */
	public KeyEventEndpoint(String id, List<NotificationChannel> channels, KeyNotificationHandler handler,
			String group) {
		this(id, channels, handler, group, false);
	}

	/** Whether the handler belongs to a group, and is called once across instances. */
	public boolean grouped() {
		return !this.group.isEmpty();
	}

	/**
	 * This endpoint with its handler decorated. A filter stays outermost, so that it still runs
	 * before queueing, and the handler keeps its name for logs, the error handler and metrics.
	 */
	KeyEventEndpoint decoratedBy(HandlerDecorator decorator) {
		return wrapped((target) -> {
			KeyNotificationHandler decorated = Objects.requireNonNull(decorator.decorate(target, this.id),
					() -> "The handler decorator returned null for " + this.id);
			return (decorated == target) ? target
					: new NamedHandler(target.toString(), decorated, target.mayBlock() || decorated.mayBlock());
		});
	}

	/**
	 * This endpoint with its handler wrapped by the container (counted, decorated). A filter
	 * stays outermost, so that it still runs on the reader thread, before queueing.
	 */
	KeyEventEndpoint wrapped(UnaryOperator<KeyNotificationHandler> wrapper) {
		FilteredHandler filtered = (this.handler instanceof FilteredHandler f) ? f : null;
		KeyNotificationHandler target = (filtered != null) ? filtered.handler() : this.handler;
		KeyNotificationHandler wrapped = wrapper.apply(target);
		if (wrapped == target) {
			return this;
		}
		return new KeyEventEndpoint(this.id, this.channels,
				(filtered != null) ? new FilteredHandler(filtered.filter(), wrapped) : wrapped, this.group, this.resync);
	}

}
