package io.keyspace.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;

/**
 * Subscribes to Redis keyspace notifications and delivers them as {@link KeyNotification}s,
 * either to handlers (run on handler threads, never on the connection's reader thread) or
 * to {@link #poll(Duration)} / {@link #listen()} (pull mode).
 * <p>
 * Patterns are detected from the channel ({@code *}, {@code ?}, {@code [..]}) and
 * subscribed with PSUBSCRIBE. Subscriptions survive reconnects: they are replayed on every
 * new connection. Notifications must be enabled on the server
 * ({@code notify-keyspace-events}), or nothing arrives.
 */
public interface KeyspaceNotifications extends AutoCloseable {

	/**
	 * Subscribes channels whose notifications go to {@code handler}. Returns once the server
	 * confirmed the subscriptions, so a key changed afterwards is notified.
	 */
	void subscribe(KeyNotificationHandler handler, NotificationChannel... channels);

	/**
	 * Subscribes each handler to its channels, as one
	 * {@link #subscribe(KeyNotificationHandler, NotificationChannel...)} call per entry would, in
	 * the map's order; returns once the servers confirmed them all. The library's
	 * implementations place, send and confirm the entries together: one command per node and
	 * one wait instead of one round trip per handler, which is how a listener container starts
	 * thousands of {@code @OnKeyEvent} handlers.
	 * <p>
	 * Every channel is checked before any is subscribed: an {@link IllegalArgumentException}
	 * means that none was (the default, one call per entry, unsubscribes the entries it had
	 * subscribed). When the servers do not confirm, the entries are rolled back together, as
	 * one call's channels are.
	 * @param subscriptions the channels of each handler
	 */
	default void subscribeAll(Map<KeyNotificationHandler, List<NotificationChannel>> subscriptions) {
		List<Map.Entry<KeyNotificationHandler, List<NotificationChannel>>> done = new ArrayList<>();
		for (Map.Entry<KeyNotificationHandler, List<NotificationChannel>> entry : subscriptions.entrySet()) {
			try {
				subscribe(entry.getKey(), entry.getValue().toArray(new NotificationChannel[0]));
			}
			catch (IllegalArgumentException ex) {
				for (Map.Entry<KeyNotificationHandler, List<NotificationChannel>> subscribed : done) {
					try {
						unsubscribe(subscribed.getKey(), subscribed.getValue().toArray(new NotificationChannel[0]));
					}
					catch (RuntimeException cleanup) {
						ex.addSuppressed(cleanup);
					}
				}
				throw ex;
			}
			done.add(entry);
		}
	}

	/**
	 * Subscribes channels whose notifications go to {@code handler} if {@code filter} passes them;
	 * the filter runs on the reader thread, so rejected notifications are never queued.
	 */
	default void subscribe(KeyNotificationFilter filter, KeyNotificationHandler handler,
			NotificationChannel... channels) {
		subscribe(new FilteredHandler(filter, handler), channels);
	}

	/**
	 * Subscribes channels whose notifications are offered to {@code sink} on the reader
	 * thread: its own bounded buffer, for a consumer that sets its own pace (this is how
	 * {@code ReactiveKeyspaceNotifications} feeds a {@code Flux}). Several sinks on one channel
	 * share one server subscription. Returns once the server confirmed the subscriptions.
	 * <p>
	 * The default feeds the sink from a handler thread, for implementations without
	 * reader-thread sinks; the library's own implementations offer on the reader thread and
	 * count what the sink refuses.
	 */
	default void subscribeSink(NotificationSink sink, NotificationChannel... channels) {
		subscribe(new SinkHandler(sink), channels);
	}

	/** Removes a sink from channels; a channel is unsubscribed on the server once nothing wants it. */
	default void unsubscribeSink(NotificationSink sink, NotificationChannel... channels) {
		unsubscribe(new SinkHandler(sink), channels);
	}

	/**
	 * Subscribes like {@link #subscribe(KeyNotificationHandler, NotificationChannel...)}, and
	 * keeps what the handler derives from Redis right after any interruption: once the
	 * subscription is made, and after every gap on a node, the node's keys that the channels
	 * cover are scanned ({@code SCAN MATCH}, on the node that owns them; in a cluster only the
	 * shard the gap was on) and the handler is called once per key with an
	 * {@link EventType#RESYNC} notification, whatever its event filter. Those go through the same
	 * per-key lanes as live notifications, so a live {@code del} read after a key's resync
	 * notification is handled after it; a key that got a live notification since the pass began
	 * gets no resync notification (the live one is newer). {@code listener} brackets each pass,
	 * so that a view can drop what no longer exists (see {@link ResyncListener}).
	 * <p>
	 * The keys are the channels' key parts, or for channels without one (keyevent) the key globs
	 * of the handler's filter ({@link FilteredHandler}). Unsubscribe with
	 * {@link #unsubscribe(KeyNotificationHandler, NotificationChannel...)}, passing the same handler.
	 * @throws IllegalArgumentException if a channel names no key and the handler has no key filter
	 * @throws UnsupportedOperationException if this implementation cannot resync
	 */
	default void subscribeResynced(KeyNotificationHandler handler, ResyncListener listener,
			NotificationChannel... channels) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot resync");
	}

	/** Subscribes channels in pull mode: their notifications are read with {@link #poll} or {@link #listen}. */
	void subscribe(NotificationChannel... channels);

	/** Unsubscribes channels (all their handlers); their notifications stop at once. */
	void unsubscribe(NotificationChannel... channels);

	/**
	 * Removes one handler from channels, leaving their other handlers (and pull mode) alone;
	 * a channel is unsubscribed on the server once nothing wants it anymore. Pass the handler
	 * as it was subscribed: the same object, or an equal {@link FilteredHandler} for a filtered
	 * subscription. Notifications already queued for the handler may still reach it.
	 */
	void unsubscribe(KeyNotificationHandler handler, NotificationChannel... channels);

	/** Keyspace notifications for a key or key pattern; {@code handler} may be {@code null} for pull mode. */
	default void subscribeKeyspace(String keyOrPattern, int db, KeyNotificationHandler handler) {
		subscribeOne(handler, new KeyspaceChannel(keyOrPattern, db));
	}

	/** Keyevent notifications for an event or event pattern; {@code handler} may be {@code null}. */
	default void subscribeKeyevent(String event, int db, KeyNotificationHandler handler) {
		subscribeOne(handler, new KeyeventChannel(event, db));
	}

	/** Hash-field (subkey) notifications for a key or key pattern (Redis 8.8+). */
	default void subscribeSubkeyspace(String keyOrPattern, int db, KeyNotificationHandler handler) {
		subscribeOne(handler, new SubkeyspaceChannel(keyOrPattern, db));
	}

	/** Hash-field (subkey) notifications for an event or event pattern (Redis 8.8+). */
	default void subscribeSubkeyevent(String event, int db, KeyNotificationHandler handler) {
		subscribeOne(handler, new SubkeyeventChannel(event, db));
	}

	/** Notifications for one field (or field pattern) of a key (Redis 8.8+). */
	default void subscribeSubkeyspaceitem(String keyOrPattern, String subkeyOrPattern, int db,
			KeyNotificationHandler handler) {
		subscribeOne(handler, new SubkeyspaceitemChannel(keyOrPattern, subkeyOrPattern, db));
	}

	/** Notifications for one event on a key, naming the fields it touched (Redis 8.8+). */
	default void subscribeSubkeyspaceevent(String event, String keyOrPattern, int db, KeyNotificationHandler handler) {
		subscribeOne(handler, new SubkeyspaceeventChannel(event, keyOrPattern, db));
	}

	private void subscribeOne(KeyNotificationHandler handler, NotificationChannel channel) {
		if (handler != null) {
			subscribe(handler, channel);
		}
		else {
			subscribe(channel);
		}
	}

	/**
	 * The next notification of a pull-mode subscription, waiting up to {@code timeout};
	 * {@code null} if none arrived (or the calling thread was interrupted).
	 */
	KeyNotification poll(Duration timeout);

	/**
	 * A blocking stream of pull-mode notifications; it ends when this object is closed or
	 * has no subscriptions left and nothing is queued.
	 */
	Stream<KeyNotification> listen();

	/**
	 * Whether delivery is complete right now: this object is open, something is subscribed,
	 * and every node that should deliver has its subscriptions confirmed by the server. It is
	 * {@code false} during an outage, while the readers reconnect.
	 */
	boolean isSubscribed();

	/** Whether this object is open and anything is subscribed, delivering right now or not. */
	boolean hasSubscriptions();

	/**
	 * Adds a listener for interruptions of delivery: called once per interruption (a lost
	 * connection, a failover, a slot move, notifications dropped by the overflow policy) when
	 * delivery has resumed, on a dedicated thread (never a reader thread). Use it to
	 * resynchronize what the handlers derive from notifications.
	 */
	void addGapListener(Consumer<NotificationGap> listener);

	/** The state of each node reader (for a cluster, also replicas standing in for a lost primary). */
	List<NodeStatus> nodes();

	/** A read-only view of the counters: received, delivered, filtered, malformed, dropped, in flight. */
	NotificationMetrics metrics();

	/**
	 * How notifications are filtered (the key prefix), dispatched and read (which node of a
	 * shard); {@link NotificationOptions#defaults()} unless the implementation says otherwise.
	 */
	default NotificationOptions options() {
		return NotificationOptions.defaults();
	}

	/**
	 * Which node of each shard is read: a handler that waits for {@code expired} would never
	 * be called by a replica.
	 */
	default ReadFrom readFrom() {
		return options().readFrom();
	}

	/**
	 * Closes the connections and stops the reader and handler threads, letting running
	 * handlers finish within the shutdown timeout. Idempotent.
	 */
	@Override
	void close();

}
