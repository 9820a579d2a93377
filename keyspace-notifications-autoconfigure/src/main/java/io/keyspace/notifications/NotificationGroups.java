package io.keyspace.notifications;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.group.ForwardedNotifications;
import io.keyspace.notifications.internal.group.GroupConsumer;
import io.keyspace.notifications.internal.group.GroupCounters;
import io.keyspace.notifications.internal.group.GroupParts;
import io.keyspace.notifications.internal.group.SlotTags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Handles each keyspace notification once across the instances of an application, and
 * survives restarts: Pub/Sub delivers every notification to every instance, so a group
 * handler is not called from Pub/Sub but from a Redis Stream read with a consumer group.
 * <p>
 * Per group and source (a cluster shard, or the master of any other setup), the instance
 * holding a lease copies the source's notifications into the group's stream; another takes
 * over when the lease lapses, replaying what it read meanwhile, so a forwarder that dies costs
 * duplicates rather than losses. Every instance reads the group's streams as a member of the
 * group: an entry is handled by one member, acknowledged when its handler returns, retried by
 * any member after the claim timeout if it threw or its member died, and moved to a
 * dead-letter stream after {@link GroupSettings#maxDeliveries()} deliveries. Delivery is at
 * least once, in order per stream while one member handles it. A window in which no instance
 * forwarded a source is reported as a {@link GapCause#NO_FORWARDER} gap to {@link #addGapListener};
 * entries the stream's cap trimmed before they were handled as an {@link GapCause#OVERFLOW}
 * gap; and a stream or consumer group that Redis lost (a restart without persistence, a
 * failover to a replica that had not received it, a deletion or an eviction) is recreated at
 * once, its loss reported as a {@link GapCause#STREAM_LOST} gap.
 * <p>
 * Threading: subscribe, unsubscribe, pause, resume and close from any thread. They take turns
 * on a lifecycle lock, held while they connect, wait for the subscriptions' confirmations and
 * wait for a group's threads to end: only other lifecycle calls wait on it. {@link #metrics},
 * {@link #groups()}, {@link #status} and the gap listeners never wait on it. Each group runs a
 * forwarding thread, a watch thread, a reclaim thread and a reader thread per stream; gap
 * listeners run on one more thread, {@code keyspace-group-gaps}, in order.
 */
public final class NotificationGroups implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NotificationGroups.class);

	/**
	 * How long a consumer's {@code XREADGROUP} blocks: the Redis client's socket timeout must
	 * be longer, or every quiet read fails.
	 */
	public static final Duration BLOCKING_READ = GroupConsumer.BLOCKING_READ;

	private static final String SINGLE_SOURCE_TAG = "0";

	private final KeyspaceNotifications notifications;

	private final UnifiedJedis redis;

	private final GroupSettings settings;

	private final GroupParts parts;

	private final List<Consumer<NotificationGap>> gapListeners = new CopyOnWriteArrayList<>();

	private final Map<String, Group> groups = new ConcurrentHashMap<>(); // written under lifecycle

	private final ReentrantLock lifecycle = new ReentrantLock();

	private final ExecutorService gapReporter = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "keyspace-group-gaps");
		thread.setDaemon(true);
		return thread;
	});

	private boolean closed; // guarded by lifecycle

	/**
	 * @param notifications where the notifications come from; its key prefix applies to the groups too
	 * @param redis commands for the streams and leases: a {@code RedisClient}, a
	 * {@code RedisClusterClient} or a {@code RedisSentinelClient} on the same Redis
	 */
	public NotificationGroups(KeyspaceNotifications notifications, UnifiedJedis redis, GroupSettings settings) {
		this.notifications = Objects.requireNonNull(notifications, "notifications");
		this.redis = Objects.requireNonNull(redis, "redis");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.parts = new GroupParts(new Forwarded(), notifications.options(), settings, Clock.systemUTC(),
				this::reportGap);
	}

	/**
	 * Handles the channels' notifications in {@code group}: once across every instance that
	 * subscribes the same group. A {@link FilteredHandler}'s filter applies before forwarding.
	 * @throws IllegalStateException if this instance already has a handler in the group
	 */
	public void subscribe(String group, KeyNotificationHandler handler, NotificationChannel... channels) {
		Objects.requireNonNull(group, "group");
		Objects.requireNonNull(handler, "handler");
		this.lifecycle.lock();
		try {
			if (this.closed) {
				throw new IllegalStateException("These notification groups are closed");
			}
			if (this.groups.containsKey(group)) {
				throw new IllegalStateException("Group '" + group + "' already has a handler here ("
						+ this.groups.get(group).running().handler()
						+ "): a group is one handler's work shared by the instances; give " + handler
						+ " a group of its own");
			}
			KeyNotificationHandler target = (handler instanceof FilteredHandler filtered) ? filtered.handler() : handler;
			Set<String> names = Stream.of(channels).map(NotificationChannel::toString).collect(Collectors.toSet());
			GroupParts.Running running = this.parts.start(group, this.redis, target, names);
			KeyNotificationHandler subscribed = (handler instanceof FilteredHandler filtered)
					? new FilteredHandler(filtered.filter(), running.forwarder()) : running.forwarder();
			Group started = new Group(subscribed, channels, running);
			try {
				this.notifications.subscribe(subscribed, channels);
			}
			catch (RuntimeException ex) {
				stop(started);
				throw ex;
			}
			running.listening();
			this.groups.put(group, started);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Called once per gap of a group, on one daemon thread, in order. */
	public void addGapListener(Consumer<NotificationGap> listener) {
		this.gapListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/** What this instance did for a group; all zero for a group it does not have. */
	public GroupMetrics metrics(String group) {
		Group found = this.groups.get(group);
		return (found != null) ? found.running().counters().snapshot() : new GroupCounters().snapshot();
	}

	public Set<String> groups() {
		return Set.copyOf(this.groups.keySet());
	}

	/**
	 * Where a group stands: what this instance does for it, and what waits in Redis for all
	 * of its instances. Reads Redis on the calling thread (one command per stream of the
	 * group, and two more), within the Redis client's timeouts, and waits on no lock; when
	 * Redis does not answer, the status says so ({@link GroupStatus#error()}) rather than this
	 * throwing, so a health check can call it.
	 * @return empty if this instance does not have the group
	 */
	public Optional<GroupStatus> status(String group) {
		return Optional.ofNullable(this.groups.get(group)).map((found) -> found.running().status());
	}

	/** The status of each group this instance has, by name; see {@link #status(String)}. */
	public List<GroupStatus> statuses() {
		return this.groups.keySet().stream().sorted().map(this::status).flatMap(Optional::stream).toList();
	}

	/** The settings the groups run with. */
	public GroupSettings settings() {
		return this.settings;
	}

	/**
	 * Stops one group here: forwarding (handing each lease over at once) and consuming. The
	 * other instances go on; entries this one took but did not acknowledge are claimed by them
	 * after the claim timeout, or handled first by this instance if it joins the group again.
	 * When this returns, no handler call of the group runs or starts here (but in a thread
	 * that ignored the interrupt after the shutdown timeout, which is logged).
	 * @return whether this instance had the group
	 */
	public boolean unsubscribe(String group) {
		this.lifecycle.lock();
		try {
			Group removed = this.groups.remove(group);
			if (removed == null) {
				return false;
			}
			stop(removed);
			return true;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Stops handling the group's entries here while this instance goes on forwarding: they wait
	 * in the stream (up to its cap) or other instances handle them. When this returns, no handler
	 * call of the group runs or starts here (but in a thread that ignored the interrupt after the
	 * shutdown timeout, which is logged).
	 * @return whether this instance has the group
	 */
	public boolean pause(String group) {
		return whileLocked(group, GroupParts.Running::pause);
	}

	/**
	 * Handles the group's entries here again after {@link #pause}: first those this instance
	 * had taken but not acknowledged, then the others.
	 * @return whether this instance has the group
	 */
	public boolean resume(String group) {
		return whileLocked(group, GroupParts.Running::resume);
	}

	/**
	 * Stops every group here, as {@link #unsubscribe(String)} does. Does not close the
	 * notifications or the Redis client.
	 */
	@Override
	public void close() {
		this.lifecycle.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			List<Group> closing = new ArrayList<>(this.groups.values());
			this.groups.clear();
			closing.forEach(this::stop);
		}
		finally {
			this.lifecycle.unlock();
		}
		this.gapReporter.shutdown();
	}

	private boolean whileLocked(String group, Consumer<GroupParts.Running> action) {
		this.lifecycle.lock();
		try {
			Group found = this.groups.get(group);
			if (found != null) {
				action.accept(found.running());
			}
			return found != null;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	private void stop(Group group) {
		try {
			this.notifications.unsubscribe(group.subscribed(), group.channels());
		}
		catch (RuntimeException ex) {
			logger.debug("Unsubscribing a group handler failed", ex);
		}
		group.running().stop();
	}

	/** Off the forwarding thread, which must keep renewing its leases whatever a listener does. */
	private void reportGap(NotificationGap gap) {
		try {
			this.gapReporter.execute(() -> {
				for (Consumer<NotificationGap> listener : this.gapListeners) {
					try {
						listener.accept(gap);
					}
					catch (RuntimeException ex) {
						logger.warn("A gap listener failed for {}", gap, ex);
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Closed: the gap {} is not reported to listeners", gap);
		}
	}

	/** What the forwarders see of the notifications. */
	private final class Forwarded implements ForwardedNotifications {

		/**
		 * Cluster: the shard's lowest slot, as a tag that puts the stream on the shard's node and
		 * stays the same across failovers. Any other setup has one source.
		 */
		@Override
		public String tagOf(String node) {
			if (NotificationGroups.this.notifications instanceof ClusterKeyspaceNotifications cluster
					&& !node.isEmpty()) {
				return cluster.shardSlot(RedisNode.parse(node)).stream().mapToObj(SlotTags::of).findFirst().orElse(node);
			}
			return SINGLE_SOURCE_TAG;
		}

		@Override
		public Collection<String> nodesRead() {
			return NotificationGroups.this.notifications.nodes().stream().map(NodeStatus::node).toList();
		}

		/**
		 * The engine's lane checkpoint; for another implementation of the notifications, the
		 * best it can tell: whether nothing of any handler is in flight when asked.
		 */
		@Override
		public BooleanSupplier laneCheckpoint() {
			if (NotificationGroups.this.notifications instanceof AbstractKeyspaceNotifications engine) {
				return engine.laneCheckpoint();
			}
			return () -> NotificationGroups.this.notifications.metrics().inFlight() == 0;
		}

		@Override
		public long lastInterruption(String node) {
			if (NotificationGroups.this.notifications instanceof AbstractKeyspaceNotifications engine) {
				Instant lost = engine.lastInterruption(node);
				return (lost != null) ? lost.toEpochMilli() : 0;
			}
			return 0;
		}

	}

	private record Group(KeyNotificationHandler subscribed, NotificationChannel[] channels,
			GroupParts.Running running) {
	}

}
