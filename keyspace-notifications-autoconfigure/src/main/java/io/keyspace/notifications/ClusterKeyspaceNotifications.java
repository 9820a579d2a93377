package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.cluster.ClusterTopology;
import io.keyspace.notifications.cluster.ClusterTopologyReader;
import io.keyspace.notifications.reader.ConnectionListener;
import io.keyspace.notifications.reader.ConnectionSettings;
import io.keyspace.notifications.reader.NodeSubscriber;
import io.keyspace.notifications.reader.RedisNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyspace notifications from a Redis Cluster. Each node publishes events only for the
 * keys it owns and they never cross the cluster bus, so this subscribes on every primary:
 * patterns and whole-database channels go to all of them, a channel for one exact key only
 * to the primary owning its slot.
 * <p>
 * The registry of wanted channels is the single source of truth: subscribing,
 * unsubscribing and every topology refresh run the same reconciliation, which routes the
 * registry's channels over the current primaries and applies the difference per node
 * (a node that no longer owns slots is closed, a new one connected and subscribed, a
 * channel whose slot moved unsubscribed on the old owner and subscribed on the new one).
 * A node connection is opened only for primaries that carry at least one channel, and
 * never for a replica: replicas emit events too, which would deliver every change twice.
 * A broken connection is reconnected and resubscribed by its {@link NodeSubscriber}.
 * <p>
 * The topology is re-read on a timer and at once when a node connection is lost or comes
 * back. A refresh that cannot read the topology or cannot connect a primary keeps every
 * working connection and retries with the reconnect backoff. So while
 * {@link #isSubscribed()} is {@code true}, readers are reading or reconnecting, or a retry
 * is scheduled; it stays {@code true} through an outage, as with a standalone server that
 * is restarting.
 */
public final class ClusterKeyspaceNotifications extends AbstractKeyspaceNotifications {

	private static final Logger logger = LoggerFactory.getLogger(ClusterKeyspaceNotifications.class);

	private final List<RedisNode> seeds;

	private final ConnectionSettings settings;

	private final Function<List<RedisNode>, ClusterTopology> topologySource;

	private final Duration refreshInterval;

	// Serializes refreshes, so that an older topology read is never applied after a newer
	// one, without holding this (and blocking subscribe calls) while nodes are asked.
	private final Object refreshLock = new Object();

	private final AtomicBoolean refreshRequested = new AtomicBoolean();

	private final ConnectionListener refreshOnError = new ConnectionListener() {
		@Override
		public void onConnectionLost(RedisNode node, Exception cause) {
			requestRefresh();
		}

		@Override
		public void onConnected(RedisNode node, boolean reconnect) {
			// The node may have come back as a replica, whose events would be duplicates.
			requestRefresh();
		}
	};

	// All guarded by this.
	private ClusterTopology topology; // null until the first subscription succeeded

	private final Map<RedisNode, NodeSubscriber> subscribers = new LinkedHashMap<>();

	private final Map<RedisNode, Set<NotificationChannel>> assigned = new LinkedHashMap<>();

	private int failedRefreshes;

	private boolean retryScheduled;

	/**
	 * @param seeds nodes to read the topology from first; any node of the cluster will do
	 * @param settings how node connections are made (also the backoff of failed refreshes)
	 * @param options how notifications are filtered and dispatched
	 * @param refreshInterval how often the topology is re-read
	 */
	public ClusterKeyspaceNotifications(List<RedisNode> seeds, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval) {
		this(seeds, settings, options, refreshInterval, new ClusterTopologyReader(settings)::read);
	}

	/** With another topology source, for tests that simulate an unreachable or changing cluster. */
	ClusterKeyspaceNotifications(List<RedisNode> seeds, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval, Function<List<RedisNode>, ClusterTopology> topologySource) {
		super(settings, options);
		if (seeds.isEmpty()) {
			throw new IllegalArgumentException("At least one cluster seed node is needed");
		}
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
		}
		this.seeds = List.copyOf(seeds);
		this.settings = settings;
		this.refreshInterval = refreshInterval;
		this.topologySource = topologySource;
	}

	public List<RedisNode> seeds() {
		return this.seeds;
	}

	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/** The primaries a subscriber connection is open to: those carrying at least one channel. */
	public synchronized Set<RedisNode> primaries() {
		return Set.copyOf(this.subscribers.keySet());
	}

	@Override
	public synchronized Map<RedisNode, Set<String>> serverSubscriptions() {
		Map<RedisNode, Set<String>> result = new LinkedHashMap<>();
		this.subscribers.forEach((node, subscriber) -> result.put(node, subscriber.confirmedSubscriptions()));
		return result;
	}

	/**
	 * Re-reads the topology now and applies the difference. Runs on the scheduler by
	 * itself; public so that an application (or a test) that knows the cluster changed
	 * need not wait for the timer. Does nothing before the first subscription and never
	 * throws: a failure is logged and retried with backoff.
	 */
	public void refresh() {
		synchronized (this.refreshLock) {
			List<RedisNode> candidates = candidates();
			if (candidates.isEmpty()) {
				return;
			}
			ClusterTopology fresh;
			try {
				fresh = this.topologySource.apply(candidates);
			}
			catch (KeyspaceNotificationsException ex) {
				retryLater(ex.getMessage());
				return;
			}
			reconcile(fresh);
		}
	}

	@Override
	protected void validate(NotificationChannel channel) {
		if (channel.db() != 0) {
			throw new IllegalArgumentException("Redis Cluster has only database 0, but channel '" + channel
					+ "' uses database " + channel.db() + "; use db 0");
		}
	}

	/** The registry already holds the new channels; routing it again subscribes them. */
	@Override
	protected synchronized void activate(List<NotificationChannel> channels) {
		if (this.topology != null) {
			reconcile(this.topology);
			return;
		}
		// The first subscription fails loudly: no seed answers, or no primary can be connected.
		List<KeyspaceNotificationsException> failures = apply(this.topologySource.apply(this.seeds));
		if (!failures.isEmpty() && this.subscribers.isEmpty()) {
			this.topology = null;
			throw failures.get(0);
		}
		startTimers();
		if (!failures.isEmpty()) {
			retryLater(describe(failures));
		}
	}

	/** The registry no longer holds the channels; routing it again unsubscribes them. */
	@Override
	protected synchronized void deactivate(List<NotificationChannel> channels) {
		if (this.topology != null) {
			reconcile(this.topology);
		}
	}

	@Override
	protected synchronized void closeConnections() {
		this.subscribers.values().forEach(NodeSubscriber::close);
		this.subscribers.clear();
		this.assigned.clear();
	}

	@Override
	public String toString() {
		return "ClusterKeyspaceNotifications" + this.seeds;
	}

	private synchronized void reconcile(ClusterTopology fresh) {
		if (isClosed()) {
			return;
		}
		List<KeyspaceNotificationsException> failures = apply(fresh);
		if (!failures.isEmpty()) {
			retryLater(describe(failures));
		}
		else if (this.failedRefreshes > 0) {
			logger.info("Keyspace subscriptions on the Redis Cluster are complete again after {} failed attempt(s): {}",
					this.failedRefreshes, fresh);
			this.failedRefreshes = 0;
		}
	}

	/**
	 * Brings the node connections in line with a topology and the registry. Nodes that
	 * carry nothing anymore are closed before new ones are subscribed, so the same change
	 * is never read from two nodes at once. Holds this.
	 * @return the primaries that could not be connected or subscribed, each naming its node
	 */
	private List<KeyspaceNotificationsException> apply(ClusterTopology fresh) {
		if (this.topology != null && !fresh.sameAs(this.topology)) {
			logger.info("Redis Cluster topology changed: {} -> {}", this.topology, fresh);
		}
		this.topology = fresh;
		Map<RedisNode, Set<NotificationChannel>> wanted = route(this.registry.channels(), fresh);
		for (Iterator<Map.Entry<RedisNode, NodeSubscriber>> it = this.subscribers.entrySet().iterator(); it.hasNext();) {
			Map.Entry<RedisNode, NodeSubscriber> entry = it.next();
			RedisNode node = entry.getKey();
			if (!wanted.containsKey(node)) {
				if (fresh.primaries().contains(node)) {
					logger.debug("Closing the keyspace subscriber of {}: no channel is left on it", node);
				}
				else {
					logger.info("Closing the keyspace subscriber of {}: it no longer owns slots", node);
				}
				entry.getValue().close();
				it.remove();
				this.assigned.remove(node);
			}
		}
		List<KeyspaceNotificationsException> failures = new ArrayList<>();
		wanted.forEach((node, channels) -> {
			try {
				sync(node, channels);
			}
			catch (KeyspaceNotificationsException ex) {
				failures.add(ex);
			}
		});
		return failures;
	}

	/** Connects to one primary if needed and makes its subscriptions exactly {@code wanted}. Holds this. */
	private void sync(RedisNode node, Set<NotificationChannel> wanted) {
		NodeSubscriber subscriber = this.subscribers.get(node);
		if (subscriber == null) {
			subscriber = new NodeSubscriber(node, this.settings, this.router.newReaderListener(), this.refreshOnError);
			subscriber.start();
			logger.info("Subscribing to keyspace notifications on cluster primary {}", node);
			this.subscribers.put(node, subscriber);
			this.assigned.put(node, new HashSet<>());
		}
		Set<NotificationChannel> current = this.assigned.get(node);
		List<NotificationChannel> stale = current.stream().filter((channel) -> !wanted.contains(channel)).toList();
		if (!stale.isEmpty()) {
			current.removeAll(stale);
			unsubscribeAll(subscriber, stale);
		}
		List<NotificationChannel> missing = wanted.stream().filter((channel) -> !current.contains(channel)).toList();
		if (!missing.isEmpty()) {
			// Recorded first: the subscriber keeps them (and replays them on reconnect) even if
			// the server's confirmation times out.
			current.addAll(missing);
			subscribeAll(subscriber, missing);
		}
	}

	/** Exact-key channels go to the key's owner only; everything else to every primary. */
	private static Map<RedisNode, Set<NotificationChannel>> route(List<NotificationChannel> channels,
			ClusterTopology topology) {
		Map<RedisNode, Set<NotificationChannel>> byNode = new LinkedHashMap<>();
		for (NotificationChannel channel : channels) {
			Collection<RedisNode> nodes = channel.exactKey()
				.map((key) -> topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).stream().toList())
				.orElseGet(() -> List.copyOf(topology.primaries()));
			nodes.forEach((node) -> byNode.computeIfAbsent(node, (n) -> new LinkedHashSet<>()).add(channel));
		}
		return byNode;
	}

	/** Who to ask for the topology: known primaries first, then their replicas, then the seeds. */
	private synchronized List<RedisNode> candidates() {
		if (isClosed() || this.topology == null) {
			return List.of();
		}
		Set<RedisNode> candidates = new LinkedHashSet<>(this.topology.primaries());
		candidates.addAll(this.topology.replicas());
		candidates.addAll(this.seeds);
		return new ArrayList<>(candidates);
	}

	/** Logs the first of a run of failures at WARN and schedules one retry with backoff. Holds this. */
	private synchronized void retryLater(String problem) {
		if (isClosed()) {
			return;
		}
		this.failedRefreshes++;
		if (this.failedRefreshes == 1) {
			logger.warn("{}; retrying with backoff up to {}", problem, this.settings.backoff().max());
		}
		else {
			logger.debug("Attempt {} to complete the Redis Cluster subscriptions failed: {}", this.failedRefreshes,
					problem);
		}
		if (!this.retryScheduled) {
			this.retryScheduled = true;
			schedule(this::retryRefresh, this.settings.backoff().delayMillis(this.failedRefreshes));
		}
	}

	private void retryRefresh() {
		synchronized (this) {
			this.retryScheduled = false;
		}
		refreshQuietly();
	}

	/** Refreshes soon on the scheduler; requests made while one is pending are merged. */
	private void requestRefresh() {
		if (this.refreshRequested.compareAndSet(false, true)) {
			schedule(() -> {
				this.refreshRequested.set(false);
				refreshQuietly();
			}, 0);
		}
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			// A scheduled task that throws is never run again; keep refreshing.
			logger.warn("Refreshing the Redis Cluster topology failed", ex);
		}
	}

	private void startTimers() {
		long interval = this.refreshInterval.toMillis();
		this.scheduler.scheduleWithFixedDelay(this::refreshQuietly, interval, interval, TimeUnit.MILLISECONDS);
		long healthInterval = this.settings.healthCheckInterval().toMillis();
		if (healthInterval > 0) {
			this.scheduler.scheduleAtFixedRate(this::checkHealth, healthInterval, healthInterval, TimeUnit.MILLISECONDS);
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		try {
			this.scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: nothing left to refresh.
		}
	}

	private synchronized void checkHealth() {
		this.subscribers.values().forEach(NodeSubscriber::checkHealth);
	}

	private static String describe(List<KeyspaceNotificationsException> failures) {
		return failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
	}

}
