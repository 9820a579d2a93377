package io.keyspace.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.group.Forwarder;
import io.keyspace.notifications.internal.group.GroupConsumer;
import io.keyspace.notifications.internal.group.GroupCounters;
import io.keyspace.notifications.internal.group.GroupKeys;
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
 * forwarded a source is reported as a {@link GapCause#NO_FORWARDER}
 * gap to {@link #addGapListener}.
 * <p>
 * Threading: subscribe, unsubscribe and close from any thread (this object's monitor guards
 * the groups, held for memory only); each group has a forwarding thread, a maintenance thread
 * and a reader thread per stream; gap listeners run on one more thread.
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

	private final List<Consumer<NotificationGap>> gapListeners = new CopyOnWriteArrayList<>();

	private final Map<String, Group> groups = new LinkedHashMap<>(); // guarded by this

	private final ExecutorService gapReporter = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "keyspace-group-gaps");
		thread.setDaemon(true);
		return thread;
	});

	private boolean closed;

	/**
	 * @param notifications where the notifications come from; its key prefix applies to the groups too
	 * @param redis commands for the streams and leases: a {@code RedisClient}, a
	 * {@code RedisClusterClient} or a {@code RedisSentinelClient} on the same Redis
	 */
	public NotificationGroups(KeyspaceNotifications notifications, UnifiedJedis redis, GroupSettings settings) {
		this.notifications = Objects.requireNonNull(notifications, "notifications");
		this.redis = Objects.requireNonNull(redis, "redis");
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	/**
	 * Handles the channels' notifications in {@code group}: once across every instance that
	 * subscribes the same group. A {@link FilteredHandler}'s filter applies before forwarding.
	 * @throws IllegalStateException if this instance already has a handler in the group
	 */
	public synchronized void subscribe(String group, KeyNotificationHandler handler, NotificationChannel... channels) {
		Objects.requireNonNull(group, "group");
		Objects.requireNonNull(handler, "handler");
		if (this.closed) {
			throw new IllegalStateException("These notification groups are closed");
		}
		if (this.groups.containsKey(group)) {
			throw new IllegalStateException("Group '" + group + "' already has a handler here ("
					+ this.groups.get(group).handler() + "): a group is one handler's work shared by the instances; "
					+ "give " + handler + " a group of its own");
		}
		KeyNotificationHandler target = (handler instanceof FilteredHandler filtered) ? filtered.handler() : handler;
		GroupKeys keys = new GroupKeys(this.settings.streamKeyPrefix(), group);
		GroupCounters counters = new GroupCounters();
		Set<String> names = Stream.of(channels).map(NotificationChannel::toString).collect(Collectors.toSet());
		Forwarder forwarder = new Forwarder(group, this.redis, keys, this.settings, this::tagOf, this::nodesRead,
				() -> this.notifications.metrics().inFlight() == 0, names, this::reportGap, counters);
		GroupConsumer consumer = new GroupConsumer(group, this.redis, keys, this.settings, target,
				this.notifications.options().keyPrefix(), this.notifications.options().errorHandler(), counters, names,
				this::reportGap);
		KeyNotificationHandler subscribed = (handler instanceof FilteredHandler filtered)
				? new FilteredHandler(filtered.filter(), forwarder) : forwarder;
		forwarder.start();
		consumer.start();
		this.groups.put(group, new Group(target, subscribed, channels, forwarder, consumer, counters));
		this.notifications.subscribe(subscribed, channels);
		forwarder.listening();
	}

	/** Called once per window in which no instance forwarded a source, on one daemon thread, in order. */
	public void addGapListener(Consumer<NotificationGap> listener) {
		this.gapListeners.add(Objects.requireNonNull(listener, "listener"));
	}

	/** What this instance did for a group; all zero for a group it does not have. */
	public synchronized GroupMetrics metrics(String group) {
		Group found = this.groups.get(group);
		return (found != null) ? found.counters().snapshot() : new GroupCounters().snapshot();
	}

	public synchronized Set<String> groups() {
		return Set.copyOf(this.groups.keySet());
	}

	/** The settings the groups run with. */
	public GroupSettings settings() {
		return this.settings;
	}

	/**
	 * Stops one group here: forwarding (handing each lease over at once) and consuming. The
	 * other instances go on; entries this one took but did not acknowledge are claimed by them
	 * after the claim timeout.
	 * @return whether this instance had the group
	 */
	public boolean unsubscribe(String group) {
		Group removed;
		synchronized (this) {
			removed = this.groups.remove(group);
		}
		if (removed == null) {
			return false;
		}
		stop(removed);
		return true;
	}

	/**
	 * Stops every group here, as {@link #unsubscribe(String)} does. Does not close the
	 * notifications or the Redis client.
	 */
	@Override
	public void close() {
		List<Group> closing;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			closing = new ArrayList<>(this.groups.values());
			this.groups.clear();
		}
		closing.forEach(this::stop);
		this.gapReporter.shutdown();
	}

	private void stop(Group group) {
		try {
			this.notifications.unsubscribe(group.subscribed(), group.channels());
		}
		catch (RuntimeException ex) {
			logger.debug("Unsubscribing a group handler failed", ex);
		}
		group.forwarder().close();
		group.consumer().close();
	}

	/**
	 * Cluster: the shard's lowest slot, as a tag that puts the stream on the shard's node and
	 * stays the same across failovers. Any other setup has one source.
	 */
	private String tagOf(String node) {
		if (this.notifications instanceof ClusterKeyspaceNotifications cluster && !node.isEmpty()) {
			return cluster.shardSlot(RedisNode.parse(node)).stream().mapToObj(SlotTags::of).findFirst().orElse(node);
		}
		return SINGLE_SOURCE_TAG;
	}

	private Collection<String> nodesRead() {
		return this.notifications.nodes().stream().map(NodeStatus::node).toList();
	}

	/** Off the forwarding thread, which must keep renewing its leases whatever a listener does. */
	private void reportGap(NotificationGap gap) {
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

	private record Group(KeyNotificationHandler handler, KeyNotificationHandler subscribed,
			NotificationChannel[] channels, Forwarder forwarder, GroupConsumer consumer, GroupCounters counters) {
	}

}
