package io.keyspace.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.dispatch.Dispatcher;
import io.keyspace.notifications.dispatch.NotificationCounters;
import io.keyspace.notifications.match.SubscriptionRegistry;
import io.keyspace.notifications.reader.ConnectionSettings;
import io.keyspace.notifications.reader.NodeSubscriber;
import io.keyspace.notifications.reader.RedisNode;

/**
 * What standalone and cluster notifications share: the registry of wanted channels, the
 * route from a reader thread to the handlers, pull mode and the lifecycle. Subclasses only
 * decide which node connections a channel goes to.
 */
public abstract class AbstractKeyspaceNotifications implements KeyspaceNotifications {

	protected final SubscriptionRegistry registry = new SubscriptionRegistry();

	protected final NotificationCounters metrics = new NotificationCounters();

	final NotificationRouter router;

	/** Runs health checks and, for a cluster, topology refreshes; one daemon thread. */
	protected final ScheduledExecutorService scheduler;

	private final BlockingQueue<KeyNotification> pullQueue;

	private final NotificationOptions options;

	private final ConnectionSettings connectionSettings;

	private final Dispatcher dispatcher;

	private volatile boolean closed;

	protected AbstractKeyspaceNotifications(ConnectionSettings connectionSettings, NotificationOptions options) {
		this.connectionSettings = connectionSettings;
		this.options = options;
		this.pullQueue = new LinkedBlockingQueue<>(options.pullQueueCapacity());
		this.dispatcher = new Dispatcher(options.dispatch(), options.handlerThreadFactory(), options.errorHandler(),
				this.metrics);
		this.router = new NotificationRouter(this.registry, options.keyPrefix(), this.dispatcher, this.pullQueue,
				this.metrics);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "keyspace-scheduler");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void subscribe(KeyNotificationHandler handler, NotificationChannel... channels) {
		register(Objects.requireNonNull(handler, "handler"), channels);
	}

	@Override
	public void subscribe(NotificationChannel... channels) {
		register(null, channels);
	}

	@Override
	public synchronized void unsubscribe(NotificationChannel... channels) {
		ensureOpen();
		List<NotificationChannel> removed = new ArrayList<>();
		for (NotificationChannel channel : channels) {
			if (this.registry.remove(channel)) {
				removed.add(channel);
			}
		}
		if (!removed.isEmpty()) {
			deactivate(removed);
		}
	}

	@Override
	public KeyNotification poll(Duration timeout) {
		try {
			return this.pullQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	@Override
	public Stream<KeyNotification> listen() {
		Iterator<KeyNotification> iterator = new Iterator<>() {

			private KeyNotification next;

			@Override
			public boolean hasNext() {
				while (this.next == null && (isSubscribed() || !AbstractKeyspaceNotifications.this.pullQueue.isEmpty())) {
					if (Thread.currentThread().isInterrupted()) {
						return false;
					}
					this.next = poll(Duration.ofMillis(200));
				}
				return this.next != null;
			}

			@Override
			public KeyNotification next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				KeyNotification result = this.next;
				this.next = null;
				return result;
			}

		};
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
				false);
	}

	@Override
	public boolean isSubscribed() {
		return !this.closed && !this.registry.isEmpty();
	}

	@Override
	public NotificationMetrics metrics() {
		return this.metrics;
	}

	/** How notifications are filtered and dispatched. */
	public NotificationOptions options() {
		return this.options;
	}

	/** How node connections are made. */
	public ConnectionSettings connectionSettings() {
		return this.connectionSettings;
	}

	/** For each node connection: the channels and patterns its server has confirmed. */
	public abstract Map<RedisNode, Set<String>> serverSubscriptions();

	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		this.scheduler.shutdownNow();
		closeConnections();
		this.dispatcher.close();
		this.registry.clear();
	}

	protected boolean isClosed() {
		return this.closed;
	}

	/** Checks a channel before it is registered, e.g. that a cluster channel uses db 0. */
	protected void validate(NotificationChannel channel) {
	}

	/** Subscribes newly wanted channels on the right node connections. Throws if none can be reached. */
	protected abstract void activate(List<NotificationChannel> channels);

	/** Unsubscribes channels nobody wants anymore. */
	protected abstract void deactivate(List<NotificationChannel> channels);

	/** Closes every node connection. */
	protected abstract void closeConnections();

	/** Splits channels into SUBSCRIBE names and PSUBSCRIBE patterns, as bytes. */
	protected static List<byte[]> wireNames(List<NotificationChannel> channels, boolean patterns) {
		List<byte[]> names = new ArrayList<>();
		for (NotificationChannel channel : channels) {
			if (channel.isPattern() == patterns) {
				names.add(channel.toBytes());
			}
		}
		return names;
	}

	/** Subscribes a node connection to channels. */
	protected static void subscribeAll(NodeSubscriber subscriber, List<NotificationChannel> channels) {
		subscriber.subscribe(wireNames(channels, false), wireNames(channels, true));
	}

	/** Unsubscribes a node connection from channels. */
	protected static void unsubscribeAll(NodeSubscriber subscriber, List<NotificationChannel> channels) {
		subscriber.unsubscribe(wireNames(channels, false), wireNames(channels, true));
	}

	private synchronized void register(KeyNotificationHandler handler, NotificationChannel... channels) {
		ensureOpen();
		for (NotificationChannel channel : channels) {
			validate(Objects.requireNonNull(channel, "channel"));
		}
		List<NotificationChannel> added = new ArrayList<>();
		for (NotificationChannel channel : channels) {
			if (this.registry.add(channel, handler)) {
				added.add(channel);
			}
		}
		if (added.isEmpty()) {
			return;
		}
		try {
			activate(added);
		}
		catch (RuntimeException ex) {
			// Roll back on the connections too, or a reconnect would replay the channel.
			added.forEach(this.registry::remove);
			try {
				deactivate(added);
			}
			catch (RuntimeException cleanup) {
				ex.addSuppressed(cleanup);
			}
			throw ex;
		}
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("These keyspace notifications are closed");
		}
	}

}
