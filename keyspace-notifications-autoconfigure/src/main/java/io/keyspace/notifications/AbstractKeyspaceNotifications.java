package io.keyspace.notifications;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.config.ServerConfigCheck;
import io.keyspace.notifications.internal.dispatch.Dispatcher;
import io.keyspace.notifications.internal.dispatch.NotificationCounters;
import io.keyspace.notifications.internal.gap.GapTracker;
import io.keyspace.notifications.internal.match.NotificationRouter;
import io.keyspace.notifications.internal.match.Subscription;
import io.keyspace.notifications.internal.replication.StandbyGate;
import io.keyspace.notifications.internal.resync.JedisKeyScanner;
import io.keyspace.notifications.internal.resync.Resyncer;
import io.keyspace.notifications.internal.replication.StandbyReader;
import io.keyspace.notifications.internal.match.SubscriptionRegistry;
import io.keyspace.notifications.internal.reader.DeferredSyncs;
import io.keyspace.notifications.internal.reader.NodeListener;
import io.keyspace.notifications.internal.reader.NodeSubscriber;

/**
 * What standalone and cluster notifications share: the registry of wanted channels, the
 * route from a reader thread to the handlers, pull mode and the lifecycle. Subclasses only
 * decide which node readers a channel goes to.
 * <p>
 * Threading: subscribe and unsubscribe may be called from any thread. They change the
 * registry and the node readers' wanted sets under {@link #stateLock} (memory only), then
 * send and wait for the server's confirmation without any lock. Reader threads read the
 * registry without locking and report node events through one {@link NodeListener}.
 */
abstract class AbstractKeyspaceNotifications implements KeyspaceNotifications {

	protected final SubscriptionRegistry registry = new SubscriptionRegistry();

	protected final NotificationCounters metrics = new NotificationCounters();

	protected final GapTracker gaps = new GapTracker(Clock.systemUTC());

	final NotificationRouter router;

	/**
	 * Guards what is wanted where: the registry's contents together with the subclass's node
	 * placement. Held only for memory updates, never during network I/O, so a subscribe
	 * call never waits behind a slow node. Lock order: this lock, then a NodeSubscriber's.
	 */
	protected final ReentrantLock stateLock = new ReentrantLock();

	/** Counts and forwards what the node readers report; see {@link NodeListener}. */
	private final NodeListener nodeEvents = new NodeListener() {

		@Override
		public void onDisconnected(RedisNode node, Exception cause, boolean wasConnected, Instant lastHeard) {
			// A first connection that fails interrupts nothing: the subscriber is told by the
			// exception, or with fail-fast off by the WARN and the health.
			if (wasConnected) {
				AbstractKeyspaceNotifications.this.metrics.recordDisconnect();
				AbstractKeyspaceNotifications.this.gaps.nodeLost(node, channelsOn(node), lastHeard);
			}
			onNodeLost(node);
		}

		@Override
		public void onConnected(RedisNode node, boolean reconnect) {
			AbstractKeyspaceNotifications.this.serverConfig.nodeConnected(node);
			onNodeConnected(node, reconnect);
		}

		@Override
		public void onSubscriptionsConfirmed(RedisNode node) {
			AbstractKeyspaceNotifications.this.gaps.nodeResumed(node);
		}

	};

	/**
	 * Runs health checks, the server-config checks and, for a cluster, topology refreshes; one
	 * daemon thread.
	 */
	protected final ScheduledExecutorService scheduler;

	private final BlockingQueue<KeyNotification> pullQueue;

	private final NotificationOptions options;

	private final ConnectionSettings connectionSettings;

	private final Dispatcher dispatcher;

	/** Checks or sets each node's notify-keyspace-events on the scheduler thread. */
	private final ServerConfigCheck serverConfig;

	/** Writes the subscriptions no caller waits for, coalesced: see {@link Placement#awaited}. */
	protected final DeferredSyncs deferredSyncs = new DeferredSyncs();

	private volatile boolean closed;

	private volatile Resyncer resyncer; // created by the first resynced subscription, under stateLock

	protected AbstractKeyspaceNotifications(ConnectionSettings connectionSettings, NotificationOptions options) {
		this.connectionSettings = connectionSettings;
		this.options = options;
		this.pullQueue = new LinkedBlockingQueue<>(options.pullQueueCapacity());
		this.dispatcher = new Dispatcher(options.dispatch(), options.handlerThreadFactory(), options.errorHandler(),
				this.metrics, this.gaps, options.handlerObserver());
		this.router = new NotificationRouter(this.registry, options.keyPrefix(), this.dispatcher, this.pullQueue,
				this.metrics, NotificationParser::parse);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "keyspace-scheduler");
			thread.setDaemon(true);
			return thread;
		});
		this.serverConfig = new ServerConfigCheck(options.serverConfig(), connectionSettings,
				this.registry::subscriptions, this::serverSubscriptions, this.scheduler);
		long recheckMillis = options.serverConfigCheckInterval().toMillis();
		if (options.serverConfig() != ServerConfigMode.NONE && recheckMillis > 0) {
			// On the scheduler thread itself: its checks and the others' run one at a time.
			this.scheduler.scheduleWithFixedDelay(this.serverConfig::recheckAll, recheckMillis, recheckMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void subscribe(KeyNotificationHandler handler, NotificationChannel... channels) {
		Objects.requireNonNull(handler, "handler");
		register(List.of(new Registration(channels, (channel) -> this.registry.add(channel, handler))));
	}

	/** Registers every entry, then places, sends and awaits their new channels as one call's. */
	@Override
	public void subscribeAll(Map<KeyNotificationHandler, List<NotificationChannel>> subscriptions) {
		List<Registration> registrations = new ArrayList<>(subscriptions.size());
		subscriptions.forEach((handler, channels) -> {
			Objects.requireNonNull(handler, "handler");
			registrations.add(new Registration(channels.toArray(new NotificationChannel[0]),
					(channel) -> this.registry.add(channel, handler)));
		});
		register(registrations);
	}

	@Override
	public void subscribe(NotificationChannel... channels) {
		register(List.of(new Registration(channels, (channel) -> this.registry.add(channel, null))));
	}

	@Override
	public void subscribeResynced(KeyNotificationHandler handler, ResyncListener listener,
			NotificationChannel... channels) {
		Objects.requireNonNull(handler, "handler");
		ensureOpen();
		Resyncer resync = resyncer();
		List<NotificationChannel> added = List.of(channels);
		KeyNotificationHandler registered = resync.register(handler, listener, added);
		try {
			subscribe(registered, channels);
		}
		catch (RuntimeException ex) {
			resync.unregister(handler, added);
			throw ex;
		}
		resync.resyncAll(handler);
	}

	private Resyncer resyncer() {
		this.stateLock.lock();
		try {
			if (this.resyncer == null) {
				this.resyncer = new Resyncer(this.options.resync(), new JedisKeyScanner(this.connectionSettings),
						this.dispatcher, NotificationParser::parse, this.options.keyPrefix(), resyncTargets(),
						this.metrics.resync(), Resyncer.PROGRESS_INTERVAL);
				this.gaps.addListener(this.resyncer::onGap);
			}
			return this.resyncer;
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Offers on the reader thread, and counts what the sink refuses; see {@link NotificationSink}. */
	@Override
	public void subscribeSink(NotificationSink sink, NotificationChannel... channels) {
		Objects.requireNonNull(sink, "sink");
		register(List.of(new Registration(channels, (channel) -> this.registry.addSink(channel, sink))));
	}

	@Override
	public void unsubscribeSink(NotificationSink sink, NotificationChannel... channels) {
		Objects.requireNonNull(sink, "sink");
		unsubscribeWhere(channels, (channel) -> this.registry.removeSink(channel, sink));
	}

	@Override
	public void unsubscribe(NotificationChannel... channels) {
		unsubscribeWhere(channels, this.registry::remove);
		Resyncer resync = this.resyncer;
		if (resync != null) {
			resync.unregisterAll(List.of(channels));
		}
	}

	/** A resynced handler's passes end once it left all its channels. */
	@Override
	public void unsubscribe(KeyNotificationHandler handler, NotificationChannel... channels) {
		Objects.requireNonNull(handler, "handler");
		Resyncer resync = this.resyncer;
		KeyNotificationHandler registered = (resync != null) ? resync.registered(handler) : handler;
		unsubscribeWhere(channels, (channel) -> this.registry.remove(channel, registered));
		if (resync != null) {
			resync.unregister(handler, List.of(channels));
		}
	}

	/** @param remove changes the registry; {@code true} when the channel must go from the server */
	private void unsubscribeWhere(NotificationChannel[] channels, Predicate<NotificationChannel> remove) {
		ensureOpen();
		Placement placement;
		this.stateLock.lock();
		try {
			List<NotificationChannel> removed = new ArrayList<>();
			for (NotificationChannel channel : channels) {
				if (remove.test(channel)) {
					removed.add(channel);
				}
			}
			if (removed.isEmpty()) {
				return;
			}
			placement = unplace(removed);
		}
		finally {
			this.stateLock.unlock();
		}
		placement.send(this.deferredSyncs);
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
		Iterator<KeyNotification> iterator = new PullIterator(this, () -> !this.pullQueue.isEmpty());
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
				false);
	}

	@Override
	public boolean isSubscribed() {
		return hasSubscriptions() && allNodesDelivering();
	}

	@Override
	public void addGapListener(Consumer<NotificationGap> listener) {
		this.gaps.addListener(Objects.requireNonNull(listener, "listener"));
	}

	@Override
	public boolean hasSubscriptions() {
		return !this.closed && !this.registry.isEmpty();
	}

	@Override
	public NotificationMetrics metrics() {
		return this.metrics;
	}

	@Override
	public NotificationOptions options() {
		return this.options;
	}

	/**
	 * A checkpoint of the handler lanes: passes once every notification they held when it was
	 * taken was handled or dropped. For group forwarders, which note how far they forwarded.
	 */
	BooleanSupplier laneCheckpoint() {
		return this.dispatcher.checkpoint();
	}

	/**
	 * When a node ({@code host:port}) last stopped delivering, even if it has not resumed yet;
	 * null if never. What was read before came from the server as it was then.
	 */
	Instant lastInterruption(String node) {
		return this.gaps.lastLost(node);
	}

	/** How node connections are made. */
	public ConnectionSettings connectionSettings() {
		return this.connectionSettings;
	}

	@Override
	public List<NodeStatus> nodes() {
		List<NodeStatus> nodes = new ArrayList<>();
		readers().forEach((reader) -> nodes.add(reader.status(this.gaps.reportedFor(reader.node().toString()),
				this.serverConfig.missingOn(reader.node()))));
		return nodes;
	}

	/** The current node readers. */
	protected abstract Collection<NodeSubscriber> readers();

	/** For each node connection: the channels and patterns its server has confirmed. */
	public abstract Map<RedisNode, Set<String>> serverSubscriptions();

	@Override
	public void close() {
		this.stateLock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		finally {
			this.stateLock.unlock();
		}
		// Tasks that never ran are cancelled, so that a caller waiting for one (a cluster's
		// refresh()) returns.
		this.scheduler.shutdownNow().forEach((task) -> {
			if (task instanceof Future<?> pending) {
				pending.cancel(false);
			}
		});
		Resyncer resync = this.resyncer;
		if (resync != null) {
			resync.close();
		}
		closeConnections();
		this.deferredSyncs.close();
		this.dispatcher.close();
		this.gaps.close();
		this.registry.clear();
	}

	protected boolean isClosed() {
		return this.closed;
	}

	/** Where a resync pass finds the keys: which nodes own them now. */
	protected abstract Resyncer.Targets resyncTargets();

	/** Checks a channel before it is registered, e.g. that a cluster channel uses db 0. */
	protected void validate(NotificationChannel channel) {
	}

	/**
	 * Runs before channels are placed, without any lock held: the place for network I/O a
	 * subscription needs first, such as reading a cluster's topology.
	 */
	protected void prepare() {
	}

	/**
	 * Marks new channels wanted on the node readers that should carry them. Called with the
	 * state lock held: memory only, no network I/O.
	 * @param names the channels' names as sent, built once for every reader
	 */
	protected abstract Placement place(List<NotificationChannel> channels, WireNames names);

	/** Marks channels nobody wants anymore as unwanted. Called with the state lock held. */
	protected abstract Placement unplace(List<NotificationChannel> channels);

	/**
	 * A placed subscription was not confirmed: return {@code true} to fail the subscribe
	 * call (it is rolled back), {@code false} when it is left to a retry: with
	 * {@code failFast(false)} anything but a server's refusal is.
	 */
	protected boolean failsSubscribe(KeyspaceNotificationsException failure) {
		return this.options.failFast() || refused(failure);
	}

	/** Whether a server answered and refused, which no retry mends, whatever {@code failFast} says. */
	protected static boolean refused(KeyspaceNotificationsException failure) {
		return failure instanceof NodeConnectionException node && node.refusedByServer();
	}

	/** Whether every node that should deliver has its subscriptions confirmed. */
	protected abstract boolean allNodesDelivering();

	/** The channel and pattern names a node carries, for a gap report; called on its reader thread. */
	protected abstract Set<String> channelsOn(RedisNode node);

	/** Closes every node reader; called once, without the state lock. */
	protected abstract void closeConnections();

	/** A new reader for a node, reporting to this object's node events. */
	protected NodeSubscriber newSubscriber(RedisNode node) {
		return new NodeSubscriber(node, this.connectionSettings, this.router.newReaderListener(node.toString()),
				this.nodeEvents);
	}

	/**
	 * A reader of a replica subscribed ahead of a promotion, which holds what it reads until
	 * the node is the master ({@link StandbyGate}); its thread is named
	 * {@code keyspace-standby-host:port}.
	 * @param channels the channel names it carries, for a gap report
	 */
	StandbyReader newStandby(RedisNode node, Supplier<Set<String>> channels) {
		StandbyGate gate = new StandbyGate(node, this.router.newReaderListener(node.toString()), this.nodeEvents,
				this.gaps::report, channels, StandbyReader.CAPACITY);
		return new StandbyReader(new NodeSubscriber(node, "keyspace-standby-" + node, this.connectionSettings, gate, gate,
				gate), gate);
	}

	/** A node stopped delivering; called on its reader thread, must return quickly. */
	protected void onNodeLost(RedisNode node) {
	}

	/** A node connection is open (again); called on its reader thread, must return quickly. */
	protected void onNodeConnected(RedisNode node, boolean reconnect) {
	}

	/** Splits channels into SUBSCRIBE names or PSUBSCRIBE patterns, as bytes. */
	protected static List<byte[]> wireNames(Collection<NotificationChannel> channels, boolean patterns) {
		List<byte[]> names = new ArrayList<>();
		for (NotificationChannel channel : channels) {
			if (channel.isPattern() == patterns) {
				names.add(channel.toBytes());
			}
		}
		return names;
	}

	/** Marks channels wanted on a node reader. */
	protected static void want(NodeSubscriber subscriber, Collection<NotificationChannel> channels) {
		subscriber.want(wireNames(channels, false), wireNames(channels, true));
	}

	/** Marks channels wanted on a node reader. */
	protected static void want(NodeSubscriber subscriber, WireNames names) {
		subscriber.want(names.channels(), names.patterns());
	}

	/** Marks channels unwanted on a node reader. */
	protected static void unwant(NodeSubscriber subscriber, Collection<NotificationChannel> channels) {
		subscriber.unwant(wireNames(channels, false), wireNames(channels, true));
	}

	/** How long a placed subscription may take: a first connection plus a confirmation. */
	protected Duration confirmationTimeout() {
		return this.connectionSettings.connectTimeout().plus(this.connectionSettings.commandTimeout());
	}

	/**
	 * Checks every channel, adds them all to the registry, then places, sends and awaits the
	 * new ones together: one subscribe call's, or a {@link #subscribeAll}'s.
	 */
	private void register(List<Registration> registrations) {
		ensureOpen();
		for (Registration registration : registrations) {
			for (NotificationChannel channel : registration.channels()) {
				validate(Objects.requireNonNull(channel, "channel"));
			}
		}
		prepare();
		List<NotificationChannel> added = new ArrayList<>();
		List<Subscription> changed = new ArrayList<>();
		WireNames names;
		Placement placement;
		this.stateLock.lock();
		try {
			ensureOpen();
			for (Registration registration : registrations) {
				for (NotificationChannel channel : registration.channels()) {
					if (registration.add().test(channel)) {
						added.add(channel);
					}
				}
				addSubscriptionsOf(registration.channels(), changed);
			}
			// Also a new handler on a known channel may need more.
			this.serverConfig.subscriptionsChanged(changed);
			if (added.isEmpty()) {
				return;
			}
			names = WireNames.of(added);
			placement = place(added, names);
		}
		finally {
			this.stateLock.unlock();
		}
		placement.send(this.deferredSyncs);
		try {
			placement.awaitConfirmed(names, confirmationTimeout());
		}
		catch (KeyspaceNotificationsException ex) {
			if (failsSubscribe(ex)) {
				rollBack(added, ex);
				throw ex;
			}
		}
	}

	/** Adds the registry's subscriptions of these channels, as they are now. Holds stateLock. */
	private void addSubscriptionsOf(NotificationChannel[] channels, List<Subscription> into) {
		for (NotificationChannel channel : channels) {
			byte[] name = channel.toBytes();
			Subscription subscription = this.registry.match(channel.isPattern() ? name : null, name);
			if (subscription != null) {
				into.add(subscription);
			}
		}
	}

	/**
	 * The channels of one subscribe call.
	 * @param add changes the registry; {@code true} when the channel is new and must go to the server
	 */
	private record Registration(NotificationChannel[] channels, Predicate<NotificationChannel> add) {
	}

	/** Unsubscribes on the node readers too, or a reconnect would replay the channels. */
	private void rollBack(List<NotificationChannel> added, RuntimeException failure) {
		try {
			this.stateLock.lock();
			Placement placement;
			try {
				added.forEach(this.registry::remove);
				placement = unplace(added);
			}
			finally {
				this.stateLock.unlock();
			}
			placement.send(this.deferredSyncs);
		}
		catch (RuntimeException cleanup) {
			failure.addSuppressed(cleanup);
		}
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("These keyspace notifications are closed");
		}
	}

	/**
	 * The node readers a change of wanted channels touched, and those that carry nothing
	 * anymore. Built with the state lock held, acted on without it.
	 *
	 * @param changed readers whose wanted sets changed: started if new, then synced
	 * @param closed readers to close
	 * @param awaited the changed readers whose confirmation a subscription waits for: those
	 * that can deliver its channels now. They are synced at once, the other changed readers
	 * within {@link DeferredSyncs#DELAY}, together with other calls' changes.
	 */
	protected record Placement(Collection<NodeSubscriber> changed, Collection<NodeSubscriber> closed,
			Collection<NodeSubscriber> awaited) {

		public static final Placement NONE = new Placement(List.of(), List.of());

		/** Waits for every changed reader. */
		public Placement(Collection<NodeSubscriber> changed, Collection<NodeSubscriber> closed) {
			this(changed, closed, changed);
		}

		/**
		 * Closes what is gone, then starts what changed and syncs it: the awaited readers now,
		 * the others through {@code later}, which coalesces them. Never blocks on the network.
		 */
		void send(DeferredSyncs later) {
			this.closed.forEach(NodeSubscriber::close);
			for (NodeSubscriber subscriber : this.changed) {
				subscriber.start();
				if (this.awaited.contains(subscriber)) {
					subscriber.sync();
				}
				else {
					later.syncSoon(subscriber);
				}
			}
		}

		/** Waits for the server's confirmations of {@code names} on every awaited reader. */
		void awaitConfirmed(WireNames names, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			for (NodeSubscriber subscriber : this.awaited) {
				subscriber.awaitConfirmed(names.channels(), names.patterns(),
						Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			}
		}

	}

	/**
	 * Channels as sent: SUBSCRIBE names and PSUBSCRIBE patterns. Built once per call, as a
	 * channel builds its name anew each time it is asked.
	 */
	protected record WireNames(List<byte[]> channels, List<byte[]> patterns) {

		static WireNames of(Collection<NotificationChannel> channels) {
			List<byte[]> names = new ArrayList<>(channels.size());
			List<byte[]> patterns = new ArrayList<>();
			for (NotificationChannel channel : channels) {
				(channel.isPattern() ? patterns : names).add(channel.toBytes());
			}
			return new WireNames(names, patterns);
		}

	}

}
