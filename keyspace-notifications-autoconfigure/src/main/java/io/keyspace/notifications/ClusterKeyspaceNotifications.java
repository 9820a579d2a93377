package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.cluster.ClusterTopology;
import io.keyspace.notifications.cluster.ClusterTopologyReader;
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
 * The registry of wanted channels is the single source of truth. The topology is re-read
 * on a timer and at once after any connection error; each refresh diffs the primaries
 * (new or promoted: connect and subscribe; gone or demoted: close) and moves exact-key
 * channels whose slot moved. Replicas are never subscribed: they emit events too, which
 * would deliver every change twice.
 */
public final class ClusterKeyspaceNotifications extends AbstractKeyspaceNotifications {

	private static final Logger logger = LoggerFactory.getLogger(ClusterKeyspaceNotifications.class);

	private final List<RedisNode> seeds;

	private final ConnectionSettings settings;

	private final ClusterTopologyReader topologyReader;

	private final Duration refreshInterval;

	private final NodeSubscriber.ConnectionListener refreshOnError = new NodeSubscriber.ConnectionListener() {
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
	private ClusterTopology topology;

	private final Map<RedisNode, NodeSubscriber> subscribers = new LinkedHashMap<>();

	private final Map<RedisNode, Set<NotificationChannel>> assigned = new HashMap<>();

	private int failedRefreshes;

	private boolean retryScheduled;

	public ClusterKeyspaceNotifications(List<RedisNode> seeds, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval) {
		super(settings, options);
		if (seeds.isEmpty()) {
			throw new IllegalArgumentException("At least one cluster seed node is needed");
		}
		this.seeds = List.copyOf(seeds);
		this.settings = settings;
		this.topologyReader = new ClusterTopologyReader(settings);
		this.refreshInterval = refreshInterval;
	}

	public List<RedisNode> seeds() {
		return this.seeds;
	}

	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/** The primaries currently subscribed. */
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
	 * need not wait for the timer.
	 */
	public synchronized void refresh() {
		if (isClosed()) {
			return;
		}
		ClusterTopology fresh;
		try {
			fresh = this.topologyReader.read(candidates());
		}
		catch (KeyspaceNotificationsException ex) {
			this.failedRefreshes++;
			if (this.failedRefreshes == 1) {
				logger.warn("{}; retrying with backoff", ex.getMessage());
			}
			if (!this.retryScheduled) {
				this.retryScheduled = true;
				long delay = this.settings.backoff().delayMillis(this.failedRefreshes);
				this.scheduler.schedule(this::retryRefresh, delay, TimeUnit.MILLISECONDS);
			}
			return;
		}
		if (this.failedRefreshes > 0) {
			logger.info("Read the Redis Cluster topology again after {} failed attempt(s): {}", this.failedRefreshes, fresh);
			this.failedRefreshes = 0;
		}
		apply(fresh);
	}

	@Override
	protected void validate(NotificationChannel channel) {
		if (channel.db() != 0) {
			throw new IllegalArgumentException("Redis Cluster has only database 0, but channel '" + channel
					+ "' uses database " + channel.db() + "; use db 0");
		}
	}

	@Override
	protected synchronized void activate(List<NotificationChannel> channels) {
		if (this.topology == null) {
			apply(this.topologyReader.read(this.seeds)); // the first read fails loudly
			long interval = this.refreshInterval.toMillis();
			this.scheduler.scheduleWithFixedDelay(this::refreshQuietly, interval, interval, TimeUnit.MILLISECONDS);
			long healthInterval = this.settings.healthCheckInterval().toMillis();
			if (healthInterval > 0) {
				this.scheduler.scheduleAtFixedRate(this::checkHealth, healthInterval, healthInterval,
						TimeUnit.MILLISECONDS);
			}
		}
		Map<RedisNode, List<NotificationChannel>> byNode = new LinkedHashMap<>();
		for (NotificationChannel channel : channels) {
			for (RedisNode node : route(channel, this.topology)) {
				byNode.computeIfAbsent(node, (n) -> new ArrayList<>()).add(channel);
			}
		}
		byNode.forEach(this::subscribeOn);
		if (this.subscribers.isEmpty()) {
			throw new KeyspaceNotificationsException("No primary of the Redis Cluster could be subscribed: "
					+ this.topology.primaries());
		}
	}

	@Override
	protected synchronized void deactivate(List<NotificationChannel> channels) {
		this.assigned.forEach((node, nodeChannels) -> {
			List<NotificationChannel> gone = channels.stream().filter(nodeChannels::remove).toList();
			NodeSubscriber subscriber = this.subscribers.get(node);
			if (!gone.isEmpty() && subscriber != null) {
				unsubscribeAll(subscriber, gone);
			}
		});
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

	/** Brings the node connections in line with a topology. Holds this. */
	private void apply(ClusterTopology fresh) {
		boolean changed = !fresh.sameAs(this.topology);
		if (changed && this.topology != null) {
			logger.info("Redis Cluster topology changed: {} -> {}", this.topology, fresh);
		}
		this.topology = fresh;
		for (RedisNode gone : new ArrayList<>(this.subscribers.keySet())) {
			if (!fresh.primaries().contains(gone)) {
				logger.info("Closing the keyspace subscriber of {}: it no longer owns slots", gone);
				this.subscribers.remove(gone).close();
				this.assigned.remove(gone);
			}
		}
		Map<RedisNode, Set<NotificationChannel>> wanted = new HashMap<>();
		fresh.primaries().forEach((node) -> wanted.put(node, new LinkedHashSet<>()));
		for (NotificationChannel channel : this.registry.channels()) {
			route(channel, fresh).forEach((node) -> wanted.get(node).add(channel));
		}
		wanted.forEach((node, channels) -> {
			Set<NotificationChannel> current = this.assigned.getOrDefault(node, Set.of());
			List<NotificationChannel> moved = current.stream().filter((c) -> !channels.contains(c)).toList();
			NodeSubscriber subscriber = this.subscribers.get(node);
			if (!moved.isEmpty() && subscriber != null) {
				unsubscribeAll(subscriber, moved);
				current.removeAll(moved);
			}
			List<NotificationChannel> missing = channels.stream().filter((c) -> !current.contains(c)).toList();
			if (!missing.isEmpty() || subscriber == null) {
				subscribeOn(node, missing);
			}
		});
	}

	/** Subscribes channels on one primary, connecting to it first if needed. Holds this. */
	private void subscribeOn(RedisNode node, List<NotificationChannel> channels) {
		NodeSubscriber subscriber = this.subscribers.get(node);
		try {
			if (subscriber == null) {
				subscriber = new NodeSubscriber(node, this.settings, this.router.newReaderListener(), this.refreshOnError);
				subscriber.start();
				this.subscribers.put(node, subscriber);
				logger.info("Subscribing to keyspace notifications on cluster primary {}", node);
			}
			this.assigned.computeIfAbsent(node, (n) -> new HashSet<>()).addAll(channels);
			if (!channels.isEmpty()) {
				subscribeAll(subscriber, channels);
			}
		}
		catch (KeyspaceNotificationsException ex) {
			// Left for the next refresh, which retries every primary that is not connected.
			logger.warn("Cannot subscribe on cluster primary {} yet: {}", node, ex.getMessage());
			requestRefresh();
		}
	}

	/** Exact-key channels go to the key's owner only; everything else to every primary. */
	private static Set<RedisNode> route(NotificationChannel channel, ClusterTopology topology) {
		return channel.exactKey()
			.map((key) -> topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).map(Set::of).orElse(Set.of()))
			.orElse(topology.primaries());
	}

	private List<RedisNode> candidates() {
		Set<RedisNode> candidates = new LinkedHashSet<>(this.subscribers.keySet());
		candidates.addAll(this.seeds);
		if (this.topology != null) {
			candidates.addAll(this.topology.primaries());
		}
		return new ArrayList<>(candidates);
	}

	private void requestRefresh() {
		if (!isClosed()) {
			this.scheduler.execute(this::refreshQuietly);
		}
	}

	private void retryRefresh() {
		synchronized (this) {
			this.retryScheduled = false;
		}
		refreshQuietly();
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

	private synchronized void checkHealth() {
		this.subscribers.values().forEach(NodeSubscriber::checkHealth);
	}

}
