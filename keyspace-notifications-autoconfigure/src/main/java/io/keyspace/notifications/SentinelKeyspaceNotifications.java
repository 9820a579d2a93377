package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.replication.SentinelTopologyReader;
import io.keyspace.notifications.internal.replication.SentinelWatcher;

/**
 * Keyspace notifications from a Redis master monitored by Sentinel. The sentinels are asked
 * for the master (and its replicas, for {@link ReadFrom} and to stand in while the master's
 * connection is down); a failover is followed the moment a sentinel publishes
 * {@code +switch-master}, and the sentinels are asked again on a timer in case that message
 * was missed. The master that was replaced is reported as a {@link GapCause#FAILOVER} gap.
 * Any reachable sentinel will do. How the shard is read and followed:
 * {@link ShardedKeyspaceNotifications}.
 */
public final class SentinelKeyspaceNotifications extends ShardedKeyspaceNotifications {

	private final String masterName;

	private final List<RedisNode> sentinels;

	private final ConnectionSettings sentinelSettings;

	private final SentinelTopologyReader topologyReader;

	private final SentinelWatcher watcher;

	/**
	 * @param masterName the name the sentinels monitor the master under
	 * @param sentinels the sentinels to ask, in order
	 * @param sentinelSettings how to connect to the sentinels (their user, password and TLS)
	 * @param settings how to connect to the master and replicas
	 * @param options how notifications are filtered and dispatched, and whether a replica is read
	 * @param refreshInterval how often the sentinels are asked again
	 */
	public SentinelKeyspaceNotifications(String masterName, List<RedisNode> sentinels,
			ConnectionSettings sentinelSettings, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval) {
		super(settings, options, refreshInterval, true);
		if (sentinels.isEmpty()) {
			throw new IllegalArgumentException("At least one sentinel is needed");
		}
		this.masterName = Objects.requireNonNull(masterName, "masterName");
		this.sentinels = List.copyOf(sentinels);
		this.sentinelSettings = sentinelSettings;
		this.topologyReader = new SentinelTopologyReader(masterName, this.sentinels, sentinelSettings);
		this.watcher = new SentinelWatcher(this.sentinels, sentinelSettings, this::refreshSoon, this.scheduler);
		long interval = sentinelSettings.healthCheckInterval().toMillis();
		if (interval > 0) {
			this.scheduler.scheduleAtFixedRate(this.watcher::checkHealth, interval, interval, TimeUnit.MILLISECONDS);
		}
	}

	public String masterName() {
		return this.masterName;
	}

	public List<RedisNode> sentinels() {
		return this.sentinels;
	}

	/** How the sentinels are connected to. */
	public ConnectionSettings sentinelSettings() {
		return this.sentinelSettings;
	}

	/** The master the sentinels named last; empty before the first subscription asked them. */
	public Optional<RedisNode> master() {
		return firstPrimary();
	}

	/** Asks the sentinels; the first answer also starts listening for master switches. */
	@Override
	protected ClusterTopology readTopology(ClusterTopology known) {
		ClusterTopology topology = this.topologyReader.read();
		this.watcher.start();
		return topology;
	}

	@Override
	protected void closeConnections() {
		this.watcher.close();
		super.closeConnections();
	}

	@Override
	public String toString() {
		return "SentinelKeyspaceNotifications[" + this.masterName + " via " + this.sentinels + "]";
	}

}
