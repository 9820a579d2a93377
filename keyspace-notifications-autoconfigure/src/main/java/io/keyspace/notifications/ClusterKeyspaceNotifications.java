package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.cluster.ClusterRouting;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.ClusterTopologyReader;
import io.keyspace.notifications.internal.cluster.RefreshSchedule;
import io.keyspace.notifications.internal.gap.TopologyGaps;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyspace notifications from a Redis Cluster. Each node publishes events only for the
 * keys it owns and they never cross the cluster bus, so this subscribes on every primary:
 * patterns and whole-database channels go to all of them, a channel for one exact key only
 * to the primary owning its slot ({@link ClusterRouting}).
 * <p>
 * A subscription routes only the channels it adds. A topology refresh routes the whole
 * registry again and applies the difference per node: a node that no longer owns slots is
 * closed, a new one connected and subscribed, an exact-key channel subscribed on both nodes
 * while its slot migrates and on the new owner only afterwards. A node reader is opened only for primaries that
 * carry at least one channel, and never for a replica: replicas emit events too, which would
 * deliver every change twice, except while a primary's connection is down: then its replicas
 * stand in ({@link ClusterRouting#withStandIns}), so the one promoted in its place is already
 * subscribed when it takes over. A broken connection is reconnected and resubscribed by its
 * {@link NodeSubscriber}.
 * <p>
 * When the topology is re-read is up to {@link RefreshSchedule}: on a timer, when a node
 * connection comes back, and at a short interval while any node's connection is down. A refresh that cannot read the topology or cannot subscribe
 * a primary keeps every working connection and retries with the reconnect backoff. So while
 * {@link #isSubscribed()} is {@code true}, readers are reading or reconnecting, or a retry
 * is scheduled.
 * <p>
 * Threading: the topology, the node readers and what each carries are guarded by the state
 * lock, held for memory updates only. Refreshes run one at a time (serialized by the
 * {@link RefreshSchedule}, which only other refreshes wait for), on the scheduler thread or
 * on the caller of {@link #refresh()}.
 */
public final class ClusterKeyspaceNotifications extends AbstractKeyspaceNotifications {

	private static final Logger logger = LoggerFactory.getLogger(ClusterKeyspaceNotifications.class);

	private final List<RedisNode> seeds;

	private final ConnectionSettings settings;

	private final Function<List<RedisNode>, ClusterTopology> topologySource;

	private final Duration refreshInterval;

	private final RefreshSchedule refreshes;

	private final Object firstReadLock = new Object();

	private volatile boolean waitingForCluster; // fail-fast off and no seed answered yet

	private Instant lastApplied = Instant.now(); // written by refresh attempts, which run one at a time

	// Guarded by stateLock.
	private ClusterTopology topology; // null until the first subscription read it

	private final Map<RedisNode, NodeSubscriber> subscribers = new LinkedHashMap<>();

	private final Map<RedisNode, Set<NotificationChannel>> assigned = new LinkedHashMap<>();

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
		this.refreshes = new RefreshSchedule(this.scheduler, settings.backoff(), this::refreshOnce, this::anyReaderDown,
				logger);
	}

	public List<RedisNode> seeds() {
		return this.seeds;
	}

	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * The primaries read from: those of the current topology carrying at least one channel
	 * whose reader has connected (and is reading, or reconnecting after an outage). Replicas
	 * standing in for a lost primary are not listed.
	 */
	public Set<RedisNode> primaries() {
		Set<RedisNode> connected = new LinkedHashSet<>();
		this.stateLock.lock();
		try {
			this.subscribers.forEach((node, subscriber) -> {
				if (this.topology.primaries().contains(node) && subscriber.hasConnected()) {
					connected.add(node);
				}
			});
		}
		finally {
			this.stateLock.unlock();
		}
		return connected;
	}

	@Override
	public Map<RedisNode, Set<String>> serverSubscriptions() {
		Map<RedisNode, Set<String>> result = new LinkedHashMap<>();
		snapshot().forEach((node, subscriber) -> result.put(node, subscriber.confirmedSubscriptions()));
		return result;
	}

	/**
	 * Re-reads the topology now and applies the difference. Runs on the scheduler by
	 * itself; public so that an application (or a test) that knows the cluster changed
	 * need not wait for the timer. Does nothing before the first subscription and never
	 * throws: a failure is logged and retried with backoff.
	 */
	public void refresh() {
		this.refreshes.refreshNow();
	}

	/** One attempt of {@link #refresh()}: read the topology and apply it; throws to be retried. */
	private void refreshOnce() {
		List<RedisNode> candidates = candidates();
		if (!candidates.isEmpty()) {
			apply(this.topologySource.apply(candidates));
		}
	}

	@Override
	protected void validate(NotificationChannel channel) {
		if (channel.db() != 0) {
			throw new IllegalArgumentException("Redis Cluster has only database 0, but channel '" + channel
					+ "' uses database " + channel.db() + "; use db 0");
		}
	}

	/** The first subscription reads the topology; it fails loudly when no seed answers. */
	@Override
	protected void prepare() {
		if (currentTopology() != null) {
			return;
		}
		synchronized (this.firstReadLock) {
			if (currentTopology() != null || this.waitingForCluster) {
				return;
			}
			ClusterTopology first;
			try {
				first = this.topologySource.apply(this.seeds);
			}
			catch (KeyspaceNotificationsException ex) {
				if (options().failFast()) {
					throw ex;
				}
				// Subscriptions wait in the registry; the refresh retries the seeds with backoff
				// (warning once) and routes them all when a topology is read.
				this.waitingForCluster = true;
				startTimers();
				this.refreshes.requestSoon();
				return;
			}
			this.stateLock.lock();
			try {
				this.topology = first;
			}
			finally {
				this.stateLock.unlock();
			}
			startTimers();
		}
	}

	/** Routes only the new channels: subscribing N channels costs O(N), whatever the registry holds. */
	@Override
	protected Placement place(List<NotificationChannel> channels) {
		if (this.topology == null) {
			return Placement.NONE; // waiting for the cluster: the first refresh routes the registry
		}
		List<NodeSubscriber> changed = new ArrayList<>();
		ClusterRouting.route(channels, this.topology).forEach((node, routed) -> {
			NodeSubscriber subscriber = subscriber(node);
			this.assigned.get(node).addAll(routed);
			want(subscriber, routed);
			changed.add(subscriber);
		});
		return new Placement(changed, List.of());
	}

	@Override
	protected Placement unplace(List<NotificationChannel> channels) {
		List<NodeSubscriber> changed = new ArrayList<>();
		List<NodeSubscriber> closed = new ArrayList<>();
		for (RedisNode node : List.copyOf(this.assigned.keySet())) {
			Set<NotificationChannel> carried = this.assigned.get(node);
			List<NotificationChannel> gone = channels.stream().filter(carried::remove).toList();
			if (gone.isEmpty()) {
				continue;
			}
			if (carried.isEmpty()) {
				closed.add(remove(node));
			}
			else {
				unwant(this.subscribers.get(node), gone);
				changed.add(this.subscribers.get(node));
			}
		}
		return new Placement(changed, closed);
	}

	/**
	 * After the first subscription worked, a primary that does not confirm is left to its
	 * reconnect and to the refresh retries; only a cluster where nothing works fails the call
	 * (unless fail-fast is off).
	 */
	@Override
	protected boolean failsSubscribe(KeyspaceNotificationsException failure) {
		if (primaries().isEmpty() && super.failsSubscribe(failure)) {
			return true;
		}
		this.refreshes.requestSoon();
		logger.warn("{}; the subscription is retried in the background", failure.getMessage());
		return false;
	}

	/** A lost primary is followed, so the replica promoted in its place is subscribed at once. */
	@Override
	protected void onNodeLost(RedisNode node) {
		this.refreshes.follow();
	}

	private boolean anyReaderDown() {
		return !isClosed() && snapshot().values().stream().anyMatch((subscriber) -> !subscriber.isConnected());
	}

	/** The node may have come back as a replica, whose events would be duplicates. */
	@Override
	protected void onNodeConnected(RedisNode node, boolean reconnect) {
		if (reconnect) {
			this.refreshes.requestSoon();
		}
	}

	@Override
	protected Collection<NodeSubscriber> readers() {
		return snapshot().values();
	}

	/** Called on a reader thread; takes the state lock only to copy one node's channel names. */
	@Override
	protected Set<String> channelsOn(RedisNode node) {
		this.stateLock.lock();
		try {
			return TopologyGaps.names(this.assigned.get(node));
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Every primary that carries channels has them confirmed (stand-in replicas do not count). */
	@Override
	protected boolean allNodesDelivering() {
		this.stateLock.lock();
		try {
			return this.topology != null && this.assigned.keySet().stream()
				.filter(this.topology.primaries()::contains)
				.allMatch((node) -> this.subscribers.get(node).isFullySubscribed());
		}
		finally {
			this.stateLock.unlock();
		}
	}

	@Override
	protected void closeConnections() {
		List<NodeSubscriber> closing;
		this.stateLock.lock();
		try {
			closing = List.copyOf(this.subscribers.values());
			this.subscribers.clear();
			this.assigned.clear();
		}
		finally {
			this.stateLock.unlock();
		}
		closing.forEach(NodeSubscriber::close);
	}

	@Override
	public String toString() {
		return "ClusterKeyspaceNotifications" + this.seeds;
	}

	/**
	 * Brings the node readers in line with a topology and the registry. Nodes that carry
	 * nothing anymore are closed before new ones are subscribed, so the same change is never
	 * read from two nodes at once. Runs as a refresh attempt.
	 * @throws KeyspaceNotificationsException naming the primaries that could not be subscribed
	 */
	private void apply(ClusterTopology fresh) {
		Placement placement;
		List<NotificationChannel> channels;
		TopologyGaps interrupted;
		this.stateLock.lock();
		try {
			if (isClosed()) {
				return;
			}
			ClusterTopology previous = this.topology;
			if (previous != null && !fresh.sameAs(previous)) {
				logger.info("Redis Cluster topology changed: {} -> {}", previous, fresh);
			}
			this.topology = fresh;
			channels = this.registry.channels();
			Map<RedisNode, Set<NotificationChannel>> wanted = ClusterRouting.withStandIns(
					ClusterRouting.route(channels, fresh), fresh, disconnectedPrimaries(fresh));
			ClusterRouting.Changes changes = ClusterRouting.diff(this.assigned, wanted);
			interrupted = TopologyGaps.of(changes, previous, fresh, this.assigned, this.gaps);
			placement = applyChanges(changes, fresh);
		}
		finally {
			this.stateLock.unlock();
		}
		placement.send();
		awaitAll(channels);
		this.lastApplied = interrupted.reportConfirmed(this.gaps, snapshot().keySet(), this.lastApplied);
	}

	/** Holds stateLock. */
	private Placement applyChanges(ClusterRouting.Changes changes, ClusterTopology fresh) {
		List<NodeSubscriber> closed = new ArrayList<>();
		Set<NodeSubscriber> changed = new LinkedHashSet<>();
		for (RedisNode node : changes.close()) {
			logger.info("Closing the keyspace subscriber of {}: {}", node, fresh.primaries().contains(node)
					? "no channel is left on it" : "no channel is routed to it anymore (it owns no slots)");
			closed.add(remove(node));
		}
		changes.unsubscribe().forEach((node, channels) -> {
			this.assigned.get(node).removeAll(channels);
			unwant(this.subscribers.get(node), channels);
			changed.add(this.subscribers.get(node));
		});
		changes.subscribe().forEach((node, channels) -> {
			NodeSubscriber subscriber = subscriber(node);
			this.assigned.get(node).addAll(channels);
			want(subscriber, channels);
			changed.add(subscriber);
		});
		return new Placement(List.copyOf(changed), closed);
	}

	/**
	 * Waits for every primary's confirmations, collecting the failures into one exception:
	 * a primary that has never been connected keeps the refresh retrying.
	 */
	private void awaitAll(List<NotificationChannel> channels) {
		List<String> failures = new ArrayList<>();
		for (NodeSubscriber subscriber : snapshot().values()) {
			try {
				new Placement(List.of(subscriber), List.of()).awaitConfirmed(channels, confirmationTimeout());
			}
			catch (KeyspaceNotificationsException ex) {
				failures.add(ex.getMessage());
			}
		}
		if (!failures.isEmpty()) {
			throw new KeyspaceNotificationsException(String.join("; ", failures));
		}
	}

	/** Primaries whose reader is not connected now. Holds stateLock. */
	private Set<RedisNode> disconnectedPrimaries(ClusterTopology fresh) {
		Set<RedisNode> down = new LinkedHashSet<>();
		this.subscribers.forEach((node, subscriber) -> {
			if (fresh.primaries().contains(node) && !subscriber.isConnected()) {
				down.add(node);
			}
		});
		return down;
	}

	/** The reader of a node, created (not yet started) if missing. Holds stateLock. */
	private NodeSubscriber subscriber(RedisNode node) {
		return this.subscribers.computeIfAbsent(node, (n) -> {
			logger.info("Subscribing to keyspace notifications on cluster node {}", n);
			this.assigned.put(n, new LinkedHashSet<>());
			return newSubscriber(n);
		});
	}

	/** Holds stateLock. */
	private NodeSubscriber remove(RedisNode node) {
		this.assigned.remove(node);
		return this.subscribers.remove(node);
	}

	private Map<RedisNode, NodeSubscriber> snapshot() {
		this.stateLock.lock();
		try {
			return new LinkedHashMap<>(this.subscribers);
		}
		finally {
			this.stateLock.unlock();
		}
	}

	private ClusterTopology currentTopology() {
		this.stateLock.lock();
		try {
			return this.topology;
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Who to ask for the topology: known primaries first, then their replicas, then the seeds. */
	private List<RedisNode> candidates() {
		ClusterTopology known = currentTopology();
		if (isClosed() || known == null) {
			return (this.waitingForCluster && !isClosed()) ? this.seeds : List.of();
		}
		Set<RedisNode> candidates = new LinkedHashSet<>(known.primaries());
		candidates.addAll(known.replicas());
		candidates.addAll(this.seeds);
		return new ArrayList<>(candidates);
	}

	private void startTimers() {
		this.refreshes.start(this.refreshInterval);
		long healthInterval = this.settings.healthCheckInterval().toMillis();
		if (healthInterval > 0) {
			this.scheduler.scheduleAtFixedRate(() -> snapshot().values().forEach(NodeSubscriber::checkHealth),
					healthInterval, healthInterval, TimeUnit.MILLISECONDS);
		}
	}

}
