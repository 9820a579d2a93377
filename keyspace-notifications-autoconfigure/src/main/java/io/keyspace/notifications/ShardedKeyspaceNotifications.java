package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.cluster.ClusterRouting;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.RefreshSchedule;
import io.keyspace.notifications.internal.gap.TopologyGaps;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import io.keyspace.notifications.internal.replication.ReplicationState;
import io.keyspace.notifications.internal.replication.Roles;
import io.keyspace.notifications.internal.replication.StandbyGate;
import io.keyspace.notifications.internal.replication.StandbyReader;
import io.keyspace.notifications.internal.resync.Resyncer;
import io.keyspace.notifications.internal.resync.TopologyTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisClientConfig;

/**
 * What cluster, Sentinel and master/replica notifications share: one or more shards, each a
 * primary with replicas, whose layout is read from the servers ({@link #readTopology}) and
 * followed. A Sentinel or master/replica setup is one shard whose primary owns every slot.
 * Each node publishes events only for the writes it applies and they never cross the cluster
 * bus, so every channel is read from every shard (an exact key's too, so a key whose slot
 * migrates is already subscribed where it moves), each shard from its primary or one replica
 * as {@link ReadFrom} says ({@link ClusterRouting}).
 * <p>
 * A subscription routes only the channels it adds. A topology refresh routes the whole
 * registry again and applies the difference per node: a node that is no longer read is
 * closed, a new one connected and subscribed. A node reader is opened only
 * for nodes that carry at least one channel. While the connection of a node read is down,
 * others of its shard stand in ({@link ClusterRouting#reading}), so the replica promoted in a
 * lost primary's place is already subscribed when it takes over. A broken connection is
 * reconnected and resubscribed by its {@link NodeSubscriber}.
 * <p>
 * When the topology is re-read is up to {@link RefreshSchedule}: on a timer, when a node
 * connection comes back, when a subclass learns of a change ({@link #refresh()}), and at a
 * short interval while any node's connection is down. A refresh that cannot read the
 * topology or cannot subscribe a node keeps every working connection and retries with the
 * reconnect backoff. So while {@link #isSubscribed()} is {@code true}, readers are reading or
 * reconnecting, or a retry is scheduled.
 * <p>
 * Threading: the topology, the node readers and what each carries are guarded by the state
 * lock, held for memory updates only. No lock is held while a topology is read or while
 * confirmations are awaited. Refreshes run one at a time on the scheduler thread
 * ({@link RefreshSchedule}; {@link #refresh()} hands one over and waits for it). The first
 * topology is read on the thread of the first subscription, before anything is published:
 * subscriptions made meanwhile read it too instead of waiting, and the first read published
 * stays.
 */
abstract class ShardedKeyspaceNotifications extends AbstractKeyspaceNotifications {

	/** How often standbys are looked at between refreshes. */
	static final Duration STANDBY_LOOK_INTERVAL = Duration.ofSeconds(1);

	/** Under the concrete class, the category users configure (ClusterKeyspaceNotifications, ...). */
	private final Logger logger = LoggerFactory.getLogger(getClass());

	private final ConnectionSettings settings;

	private final Duration refreshInterval;

	private final boolean oneShard;

	private final boolean readsReplicasAhead;

	private final RefreshSchedule refreshes;

	private final AtomicBoolean timersStarted = new AtomicBoolean();

	private volatile boolean waitingForTopology; // fail-fast off and no node answered yet

	private Instant lastApplied = Instant.now(); // scheduler thread only: refresh attempts run there

	// Guarded by stateLock.
	private ClusterTopology topology; // null until the first subscription read it

	private final Map<RedisNode, NodeSubscriber> subscribers = new LinkedHashMap<>();

	private final Map<RedisNode, Set<NotificationChannel>> assigned = new LinkedHashMap<>();

	private Set<RedisNode> standIns = Set.of();

	private final Map<RedisNode, StandbyReader> standbys = new LinkedHashMap<>();

	private final List<NodeSubscriber> retired = new ArrayList<>(); // promoted standbys demoted again

	private final Set<RedisNode> warnedWithoutReplica = new HashSet<>();

	private final TopologyTargets resyncTargets;

	/**
	 * @param settings how node connections are made (also the backoff of failed refreshes)
	 * @param options how notifications are filtered and dispatched, and which node of a shard is read
	 * @param refreshInterval how often the topology is re-read
	 * @param oneShard a Sentinel or master/replica setup, whose replicas are subscribed ahead
	 * of a promotion unless the options say otherwise
	 */
	ShardedKeyspaceNotifications(ConnectionSettings settings, NotificationOptions options, Duration refreshInterval,
			boolean oneShard) {
		super(settings, options);
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
		}
		this.settings = settings;
		this.refreshInterval = refreshInterval;
		this.oneShard = oneShard;
		this.resyncTargets = new TopologyTargets(oneShard);
		this.readsReplicasAhead = oneShard && options.standbyReplicas() && options.readFrom() == ReadFrom.PRIMARY;
		this.refreshes = new RefreshSchedule(this.scheduler, settings.backoff(), this::refreshOnce, this::anyReaderDown,
				this.logger);
	}

	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * Reads the topology.
	 * @param known the topology read last, or {@code null} for the first read (or while no
	 * node has answered yet)
	 * @throws KeyspaceNotificationsException naming the nodes asked, when none answered usefully
	 */
	protected abstract ClusterTopology readTopology(ClusterTopology known);

	/**
	 * The primaries read from: those of the current topology carrying at least one channel
	 * whose reader has connected (and is reading, or reconnecting after an outage). Replicas
	 * are not listed, whether read or standing in for a lost primary.
	 */
	public Set<RedisNode> primaries() {
		return connectedReaders((node) -> this.topology.primaries().contains(node));
	}

	/**
	 * The nodes read from (primaries or replicas, as {@link ReadFrom} says) whose reader has
	 * connected; nodes standing in for a lost one are not listed.
	 */
	public Set<RedisNode> readNodes() {
		return connectedReaders((node) -> !this.standIns.contains(node));
	}

	private Set<RedisNode> connectedReaders(Predicate<RedisNode> counted) {
		Set<RedisNode> connected = new LinkedHashSet<>();
		this.stateLock.lock();
		try {
			this.subscribers.forEach((node, subscriber) -> {
				if (counted.test(node) && subscriber.hasConnected()) {
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
	 * need not wait for the timer. The refresh runs on the scheduler thread, and this waits
	 * for it. Does nothing before the first subscription and never throws: a failure is
	 * logged and retried with backoff.
	 */
	public void refresh() {
		this.refreshes.refreshNow();
	}

	/** One attempt of {@link #refresh()}: read the topology and apply it; throws to be retried. */
	private void refreshOnce() {
		ClusterTopology known = currentTopology();
		if (!isClosed() && (known != null || this.waitingForTopology)) {
			Set<RedisNode> masters = this.oneShard ? askRoles() : Set.of();
			apply(readTopology(known), masters);
		}
	}

	/**
	 * Asks the nodes of a one-shard setup their role, before the topology is read: a sentinel's
	 * view lags the nodes'. A standby's answer tells its gate what the notifications it holds
	 * are (see {@link StandbyGate}); a standby that is the master is promoted at once, and a
	 * promoted one that is a replica again is retired (closed at the next look, a second later,
	 * after what it published as master has been read) for a fresh standby. A node read that still says
	 * master stays read even when the topology names another (see {@link #keepMasters}).
	 * @return the nodes read that answered master
	 */
	private Set<RedisNode> askRoles() {
		lookAtStandbys();
		JedisClientConfig config = this.settings.jedisConfig(this.settings.commandTimeout());
		return snapshot().keySet().stream().filter((node) -> isMaster(node, config)).collect(Collectors.toSet());
	}

	/**
	 * Looks at each standby's {@code INFO replication}, at each refresh and every
	 * {@link #STANDBY_LOOK_INTERVAL} besides: how often decides how much a promotion hands on
	 * twice, since what was read before the last look is known to be a duplicate.
	 */
	private void lookAtStandbys() {
		closeRetired();
		JedisClientConfig config = this.settings.jedisConfig(this.settings.commandTimeout());
		for (StandbyReader standby : standbySnapshot()) {
			RedisNode node = standby.subscriber().node();
			long asked = System.nanoTime();
			try {
				ReplicationState state = ReplicationState.of(node, config);
				if (state.master()) {
					promote(standby);
				}
				else if (standby.gate().isPromoted()) {
					retire(standby);
				}
				else {
					standby.gate().replicaAt(asked, state.replicationId());
					if (standby.gate().needsReader()) {
						standby.subscriber().wake();
					}
				}
			}
			catch (RuntimeException ex) {
				this.logger.debug("Cannot ask {} its role", node, ex);
			}
		}
	}

	/** Whether the node answers {@code ROLE} with master; {@code false} when it cannot be asked. */
	private boolean isMaster(RedisNode node, JedisClientConfig config) {
		try {
			return "master".equals(Roles.of(node, config).get(0));
		}
		catch (RuntimeException ex) {
			this.logger.debug("Cannot ask {} its role", node, ex);
			return false;
		}
	}

	private void retire(StandbyReader standby) {
		this.stateLock.lock();
		try {
			if (this.standbys.remove(standby.subscriber().node(), standby)) {
				this.retired.add(standby.subscriber());
			}
		}
		finally {
			this.stateLock.unlock();
		}
	}

	private void closeRetired() {
		List<NodeSubscriber> closing;
		this.stateLock.lock();
		try {
			closing = List.copyOf(this.retired);
			this.retired.clear();
		}
		finally {
			this.stateLock.unlock();
		}
		closing.forEach(NodeSubscriber::close);
	}

	private static void promote(StandbyReader standby) {
		standby.gate().requestPromotion();
		standby.subscriber().wake();
	}

	/**
	 * The first subscription reads the topology; it fails loudly when no node answers. No lock
	 * is held while it reads: a subscription made meanwhile reads as well rather than wait
	 * behind a slow node, and the first topology published stays (the timer re-reads it soon).
	 */
	@Override
	protected void prepare() {
		if (currentTopology() != null || this.waitingForTopology) {
			return;
		}
		ClusterTopology first;
		try {
			first = readTopology(null);
		}
		catch (KeyspaceNotificationsException ex) {
			if (options().failFast()) {
				throw ex;
			}
			// Subscriptions wait in the registry; the refresh retries with backoff (warning
			// once) and routes them all when a topology is read.
			this.waitingForTopology = true;
			startTimers();
			this.refreshes.requestSoon();
			return;
		}
		this.stateLock.lock();
		try {
			if (this.topology == null) {
				this.topology = first;
				this.resyncTargets.remember(first);
			}
		}
		finally {
			this.stateLock.unlock();
		}
		startTimers();
	}

	/**
	 * Routes only the new channels: subscribing N channels costs O(N), whatever the registry
	 * holds. Every node read gets them all ({@link ClusterRouting#spread}), but the caller
	 * waits only for the nodes that can deliver them now: an exact key's owner, not the
	 * primaries that hold it only should its slot migrate. Those others are sent the channels
	 * within {@link io.keyspace.notifications.internal.reader.DeferredSyncs#DELAY}, with other
	 * calls' channels.
	 */
	@Override
	protected Placement place(List<NotificationChannel> channels, WireNames names) {
		if (this.topology == null) {
			return Placement.NONE; // waiting for the servers: the first refresh routes the registry
		}
		warnWithoutReplica(this.topology.primaries(), this.topology);
		ClusterRouting.Spread spread = ClusterRouting.spread(channels, this.topology, options().readFrom(), down());
		List<NodeSubscriber> changed = new ArrayList<>(spread.nodes().size() + this.standbys.size());
		for (RedisNode node : spread.nodes()) {
			NodeSubscriber subscriber = subscriber(node);
			this.assigned.get(node).addAll(channels);
			want(subscriber, names);
			changed.add(subscriber);
		}
		List<NodeSubscriber> awaited = new ArrayList<>(spread.awaited().size());
		for (RedisNode node : spread.awaited()) {
			awaited.add(this.subscribers.get(node));
		}
		for (StandbyReader standby : this.standbys.values()) {
			want(standby.subscriber(), names);
			changed.add(standby.subscriber());
		}
		List<NodeSubscriber> closed = List.of();
		if (this.readsReplicasAhead && this.standbys.size() < this.topology.replicas().size()) {
			// The first subscriptions stand replicas by at once, not at the first refresh: a
			// failover in the first seconds would otherwise find no standby subscribed.
			Placement standingBy = standByFor(this.topology, this.registry.channels());
			changed.addAll(standingBy.changed());
			closed = List.copyOf(standingBy.closed());
		}
		return new Placement(changed, closed, awaited);
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
		for (RedisNode node : List.copyOf(this.standbys.keySet())) {
			if (this.assigned.isEmpty()) {
				closed.add(this.standbys.remove(node).subscriber());
			}
			else {
				unwant(this.standbys.get(node).subscriber(), channels);
				changed.add(this.standbys.get(node).subscriber());
			}
		}
		return new Placement(changed, closed);
	}

	/**
	 * After the first subscription worked, a node that does not confirm is left to its
	 * reconnect and to the refresh retries; only a setup where nothing works fails the call
	 * (unless fail-fast is off).
	 */
	@Override
	protected boolean failsSubscribe(KeyspaceNotificationsException failure) {
		if (readNodes().isEmpty() && super.failsSubscribe(failure)) {
			return true;
		}
		this.refreshes.requestSoon();
		this.logger.warn("{}; the subscription is retried in the background", failure.getMessage());
		return false;
	}

	/** A lost node is followed, so the replica promoted in its place is subscribed at once. */
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
	protected Resyncer.Targets resyncTargets() {
		return this.resyncTargets;
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
			// A standby, promoted or not, carries every channel.
			Set<NotificationChannel> carried = this.assigned.get(node);
			return TopologyGaps.names((carried != null) ? carried : new LinkedHashSet<>(this.registry.channels()));
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Every node read has its channels confirmed (stand-ins do not count). */
	@Override
	protected boolean allNodesDelivering() {
		this.stateLock.lock();
		try {
			return this.topology != null && this.assigned.keySet().stream()
				.filter((node) -> !this.standIns.contains(node))
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
			closing = new ArrayList<>(this.subscribers.values());
			this.standbys.values().forEach((standby) -> closing.add(standby.subscriber()));
			closing.addAll(this.retired);
			this.retired.clear();
			this.subscribers.clear();
			this.assigned.clear();
			this.standbys.clear();
		}
		finally {
			this.stateLock.unlock();
		}
		closing.forEach(NodeSubscriber::close);
	}

	/**
	 * Brings the node readers in line with a topology and the registry. Nodes that carry
	 * nothing anymore are closed before new ones are subscribed, so the same change is never
	 * read from two nodes at once. Runs as a refresh attempt.
	 * @throws KeyspaceNotificationsException naming the primaries that could not be subscribed
	 */
	private void apply(ClusterTopology fresh, Set<RedisNode> answeringMaster) {
		Placement placement;
		Placement standbyPlacement;
		List<NotificationChannel> channels;
		TopologyGaps interrupted;
		this.stateLock.lock();
		try {
			if (isClosed()) {
				return;
			}
			ClusterTopology previous = this.topology;
			if (previous != null && !fresh.sameAs(previous)) {
				this.logger.info("Redis topology changed: {} -> {}", previous, fresh);
			}
			this.topology = fresh;
			this.resyncTargets.remember(fresh);
			channels = this.registry.channels();
			Set<RedisNode> promoted = takeOverPromotedStandbys(fresh, channels);
			ClusterRouting.Reading wanted = reading(ClusterRouting.route(channels, fresh), fresh);
			this.standIns = wanted.standIns();
			ClusterRouting.Changes changes = keepMasters(ClusterRouting.diff(this.assigned, wanted.nodes()),
					answeringMaster, fresh);
			interrupted = TopologyGaps.of(changes, previous, fresh, this.assigned, this.gaps, promoted);
			placement = applyChanges(changes, fresh);
			standbyPlacement = standByFor(fresh, channels);
		}
		finally {
			this.stateLock.unlock();
		}
		placement.send(this.deferredSyncs);
		standbyPlacement.send(this.deferredSyncs);
		awaitAll(channels);
		this.lastApplied = interrupted.reportConfirmed(this.gaps, snapshot().keySet(), this.lastApplied);
	}

	/**
	 * A node read that still answered {@code ROLE} with master is not closed, although the
	 * topology names another master: a manual Sentinel failover promotes the replica, and the
	 * old master takes writes until the sentinels demote it, which can be a second later. It
	 * is closed at the first refresh after it says replica. Holds stateLock.
	 */
	private ClusterRouting.Changes keepMasters(ClusterRouting.Changes changes, Set<RedisNode> answeringMaster,
			ClusterTopology fresh) {
		Set<RedisNode> kept = new LinkedHashSet<>(changes.close());
		kept.retainAll(answeringMaster);
		if (kept.isEmpty()) {
			return changes;
		}
		this.logger.info("Redis node(s) {} still answer ROLE master while the topology names {}: reading them until "
				+ "they are demoted", kept, fresh.primaries());
		Set<RedisNode> close = new LinkedHashSet<>(changes.close());
		close.removeAll(kept);
		return new ClusterRouting.Changes(changes.subscribe(), changes.unsubscribe(), close);
	}

	/**
	 * Standbys that the topology names as primaries become the readers of their shard, with
	 * the connection and subscriptions they have (promoted now if their own role check has not
	 * done it yet). Holds stateLock.
	 * @return the nodes taken over
	 */
	private Set<RedisNode> takeOverPromotedStandbys(ClusterTopology fresh, List<NotificationChannel> channels) {
		Set<RedisNode> promoted = new LinkedHashSet<>();
		for (RedisNode primary : fresh.primaries()) {
			StandbyReader standby = this.standbys.remove(primary);
			if (standby != null) {
				promote(standby);
				this.subscribers.put(primary, standby.subscriber());
				this.assigned.put(primary, new LinkedHashSet<>(channels));
				promoted.add(primary);
			}
		}
		return promoted;
	}

	/**
	 * Subscribes the replicas of the topology ahead of a promotion, each carrying every
	 * channel, and closes standbys that are no longer replicas. Holds stateLock.
	 */
	private Placement standByFor(ClusterTopology fresh, List<NotificationChannel> channels) {
		Set<RedisNode> replicas = (this.readsReplicasAhead && !channels.isEmpty()) ? fresh.replicas() : Set.of();
		List<NodeSubscriber> closed = new ArrayList<>();
		for (RedisNode node : List.copyOf(this.standbys.keySet())) {
			// A promoted standby delivers as a master the topology may not name yet (two nodes
			// say master between REPLICAOF NO ONE and the old master's REPLICAOF): it stays.
			boolean delivering = this.standbys.get(node).gate().isPromoted() && !channels.isEmpty();
			if (!replicas.contains(node) && !delivering) {
				closed.add(this.standbys.remove(node).subscriber());
			}
		}
		List<NodeSubscriber> started = new ArrayList<>();
		for (RedisNode replica : replicas) {
			if (!this.standbys.containsKey(replica) && !this.subscribers.containsKey(replica)) {
				this.logger.info("Subscribing to keyspace notifications on replica {} ahead of a promotion", replica);
				StandbyReader standby = newStandby(replica, () -> channelsOn(replica));
				want(standby.subscriber(), channels);
				this.standbys.put(replica, standby);
				started.add(standby.subscriber());
			}
		}
		return new Placement(started, closed);
	}

	private List<StandbyReader> standbySnapshot() {
		this.stateLock.lock();
		try {
			return List.copyOf(this.standbys.values());
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Holds stateLock. */
	private Placement applyChanges(ClusterRouting.Changes changes, ClusterTopology fresh) {
		List<NodeSubscriber> closed = new ArrayList<>();
		Set<NodeSubscriber> changed = new LinkedHashSet<>();
		for (RedisNode node : changes.close()) {
			this.logger.info("Closing the keyspace subscriber of {}: no channel is read from it anymore", node);
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
	 * Waits for every node's confirmations, collecting the failures into one exception:
	 * a node that has never been connected keeps the refresh retrying.
	 */
	private void awaitAll(List<NotificationChannel> channels) {
		List<String> failures = new ArrayList<>();
		WireNames names = WireNames.of(channels);
		for (NodeSubscriber subscriber : snapshot().values()) {
			try {
				new Placement(List.of(subscriber), List.of()).awaitConfirmed(names, confirmationTimeout());
			}
			catch (KeyspaceNotificationsException ex) {
				failures.add(ex.getMessage());
			}
		}
		if (!failures.isEmpty()) {
			throw new KeyspaceNotificationsException(String.join("; ", failures));
		}
	}

	/**
	 * The nodes to read the routed channels from, as {@link ReadFrom} says, given which
	 * readers are down now (a reader still making its first connection is not: standing in
	 * for it would deliver its first events twice). Holds stateLock.
	 */
	private ClusterRouting.Reading reading(Map<RedisNode, Set<NotificationChannel>> byPrimary, ClusterTopology topology) {
		warnWithoutReplica(byPrimary.keySet(), topology);
		return ClusterRouting.reading(byPrimary, topology, options().readFrom(), down());
	}

	/** The readers whose connection is down now, as {@link #reading} counts them. Holds stateLock. */
	private Set<RedisNode> down() {
		Set<RedisNode> down = new HashSet<>();
		if (this.readsReplicasAhead) {
			return down; // the replicas are subscribed already: no stand-in reader beside them
		}
		this.subscribers.forEach((node, subscriber) -> {
			if (subscriber.isDown()) {
				down.add(node);
			}
		});
		return down;
	}

	/** Warns once per primary read from replicas that has none. Holds stateLock. */
	private void warnWithoutReplica(Collection<RedisNode> primaries, ClusterTopology topology) {
		ReadFrom readFrom = options().readFrom();
		if (readFrom == ReadFrom.PRIMARY) {
			return;
		}
		for (RedisNode primary : primaries) {
			if (topology.replicasOf(primary).isEmpty() && this.warnedWithoutReplica.add(primary)) {
				this.logger.warn("Redis primary {} has no replica to read keyspace notifications from "
						+ "(read-from {}): reading them from the primary", primary, readFrom);
			}
		}
	}

	/** The reader of a node, created (not yet started) if missing. Holds stateLock. */
	private NodeSubscriber subscriber(RedisNode node) {
		return this.subscribers.computeIfAbsent(node, (n) -> {
			this.logger.info("Subscribing to keyspace notifications on {}", n);
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

	/** Re-reads the topology soon on the scheduler; for a reader thread that learns of a change. */
	protected void refreshSoon() {
		this.refreshes.requestSoon();
	}

	/** The first primary of the topology read last: the master of a one-shard setup. */
	protected Optional<RedisNode> firstPrimary() {
		return Optional.ofNullable(currentTopology()).map((topology) -> topology.primaries().iterator().next());
	}

	/** The topology read last; {@code null} before the first subscription read it. */
	protected ClusterTopology currentTopology() {
		this.stateLock.lock();
		try {
			return this.topology;
		}
		finally {
			this.stateLock.unlock();
		}
	}

	/** Once, by whichever first read ends first. */
	private void startTimers() {
		if (!this.timersStarted.compareAndSet(false, true)) {
			return;
		}
		this.refreshes.start(this.refreshInterval);
		if (this.readsReplicasAhead) {
			long look = STANDBY_LOOK_INTERVAL.toMillis();
			this.scheduler.scheduleWithFixedDelay(this::lookAtStandbys, look, look, TimeUnit.MILLISECONDS);
		}
		long healthInterval = this.settings.healthCheckInterval().toMillis();
		if (healthInterval > 0) {
			this.scheduler.scheduleAtFixedRate(() -> {
				snapshot().values().forEach(NodeSubscriber::checkHealth);
				standbySnapshot().forEach((standby) -> standby.subscriber().checkHealth());
			}, healthInterval, healthInterval, TimeUnit.MILLISECONDS);
		}
	}

}
