package io.keyspace.notifications.autoconfigure;

import java.time.Duration;

import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.ServerConfigMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * Settings of the keyspace notifications starter. The Redis connection itself (host, port,
 * credentials, TLS, Sentinel, cluster or master/replica nodes) comes from
 * {@code spring.data.redis.*}.
 */
@ConfigurationProperties("keyspace-notifications")
public class KeyspaceNotificationsProperties {

	/**
	 * Whether to subscribe to keyspace notifications and call @OnKeyEvent methods.
	 */
	private boolean enabled = true;

	/**
	 * Whether the listener container subscribes the @OnKeyEvent methods when the application
	 * starts. When false, nothing is subscribed until the container is started, e.g.
	 * keyspaceNotificationListenerContainer.start().
	 */
	private boolean autoStartup = true;

	/**
	 * Whether startup fails when Redis cannot be reached. When false, an unreachable Redis is
	 * logged (WARN, naming host:port), the health is DOWN, and the subscriptions are made as
	 * soon as Redis answers.
	 */
	private boolean failFast = true;

	/**
	 * Prefix of the keys this application owns, e.g. "app1:". It is prepended to the keys of
	 * @OnKeyEvent channels, notifications for other keys are skipped, and handlers see keys
	 * without it.
	 */
	private String keyPrefix = "";

	/**
	 * How long a subscriber connection may stay silent before a PING checks it; a peer that
	 * does not answer is reconnected. 0 disables the check.
	 */
	private Duration healthCheckInterval = Duration.ofSeconds(5);

	/**
	 * What to do about each Redis node's notify-keyspace-events, without which the server
	 * publishes nothing: VERIFY logs a WARN naming the node, the missing flags and the CONFIG
	 * SET that adds them; APPLY adds them with CONFIG SET (never removing any); NONE sends no
	 * CONFIG command. Checked when a node connects or reconnects, when a subscription needs
	 * more flags, and every server-config-check-interval. Needs +config|get (and +config|set
	 * for APPLY); without them it logs once at INFO and carries on.
	 */
	private ServerConfigMode serverConfig = ServerConfigMode.VERIFY;

	/**
	 * How often server-config checks every node's notify-keyspace-events again while
	 * subscribed, so that flags removed under a running subscriber (a CONFIG SET, a restart it
	 * did not notice) are a WARN and a "missingFlags" health detail, or set again with APPLY,
	 * within this interval; fixed flags clear the detail (logged at INFO) the same way. 0 or
	 * negative checks only when a node connects and when a subscription needs more flags.
	 */
	private Duration serverConfigCheckInterval = Duration.ofSeconds(30);

	/**
	 * Which node of a Sentinel, master/replica or cluster setup notifications are read from:
	 * PRIMARY; REPLICA (one replica per shard, which never publishes expired or evicted: it
	 * applies the primary's del); REPLICA_PREFERRED (a replica while one is reachable, else
	 * the primary). Ignored for a standalone server.
	 */
	private ReadFrom readFrom = ReadFrom.PRIMARY;

	/**
	 * Whether a Sentinel or master/replica setup read from the master also subscribes every
	 * replica ahead of a promotion, so that a new master's writes are delivered from the
	 * moment it takes them. Costs one more connection per replica and the replicas' work of
	 * publishing to it.
	 */
	private boolean standbyReplicas = true;

	/**
	 * How often the topology of a Sentinel, master/replica or cluster setup is read again to
	 * follow failovers, new replicas and slot moves. A lost connection triggers a refresh at
	 * once. Default: 5s, or the deprecated cluster.refresh-interval when only that is set.
	 */
	private Duration topologyRefreshInterval;

	private final Reconnect reconnect = new Reconnect();

	private final Dispatch dispatch = new Dispatch();

	private final Cluster cluster = new Cluster();

	private final Groups groups = new Groups();

	private final Reactive reactive = new Reactive();

	private final Resync resync = new Resync();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getHealthCheckInterval() {
		return this.healthCheckInterval;
	}

	public void setHealthCheckInterval(Duration healthCheckInterval) {
		this.healthCheckInterval = healthCheckInterval;
	}

	public ServerConfigMode getServerConfig() {
		return this.serverConfig;
	}

	public void setServerConfig(ServerConfigMode serverConfig) {
		this.serverConfig = serverConfig;
	}

	public Duration getServerConfigCheckInterval() {
		return this.serverConfigCheckInterval;
	}

	public void setServerConfigCheckInterval(Duration serverConfigCheckInterval) {
		this.serverConfigCheckInterval = serverConfigCheckInterval;
	}

	public ReadFrom getReadFrom() {
		return this.readFrom;
	}

	public void setReadFrom(ReadFrom readFrom) {
		this.readFrom = readFrom;
	}

	public boolean isStandbyReplicas() {
		return this.standbyReplicas;
	}

	public void setStandbyReplicas(boolean standbyReplicas) {
		this.standbyReplicas = standbyReplicas;
	}

	/** The interval set, or {@code null} when unset (then 5s, or the deprecated cluster.refresh-interval). */
	public Duration getTopologyRefreshInterval() {
		return this.topologyRefreshInterval;
	}

	public void setTopologyRefreshInterval(Duration topologyRefreshInterval) {
		this.topologyRefreshInterval = topologyRefreshInterval;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Dispatch getDispatch() {
		return this.dispatch;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Groups getGroups() {
		return this.groups;
	}

	public Reactive getReactive() {
		return this.reactive;
	}

	public Resync getResync() {
		return this.resync;
	}

	/** Resync passes of @OnKeyEvent(resync = true) handlers, after a gap and when they start. */
	public static class Resync {

		/**
		 * The COUNT of each SCAN a resync pass sends: how many keys the server looks at per
		 * call. Larger passes finish sooner; smaller ones keep each call shorter on the server.
		 */
		private int batchSize = 1000; // a literal, for the metadata; ResyncSettings.DEFAULT

		/**
		 * At most this many resync calls per second, over all handlers and nodes, so that a big
		 * keyspace is read again without starving the server or the handlers; 0 for no limit.
		 */
		private int keysPerSecond = 50_000;

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public int getKeysPerSecond() {
			return this.keysPerSecond;
		}

		public void setKeysPerSecond(int keysPerSecond) {
			this.keysPerSecond = keysPerSecond;
		}

	}

	/** Reactive streams and asynchronous handlers. */
	public static class Reactive {

		/**
		 * Notifications each subscriber of ReactiveKeyspaceNotifications.receive(...) may have
		 * buffered beyond what it requested. What does not fit is dropped, counted as
		 * subscriber-overflow, logged and reported as an OVERFLOW gap.
		 */
		private int bufferSize = 65_536; // a literal, for the metadata; ReactiveKeyspaceNotifications.DEFAULT_BUFFER_SIZE

		/**
		 * How long an @OnKeyEvent method that returns a Mono, Publisher or CompletionStage, or a
		 * Kotlin suspend function, may take to complete. Past it, it is cancelled, counted as a
		 * handler error and reported to the error handler; the key's next notification goes ahead.
		 */
		private Duration handlerTimeout = Duration.ofSeconds(30);

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public Duration getHandlerTimeout() {
			return this.handlerTimeout;
		}

		public void setHandlerTimeout(Duration handlerTimeout) {
			this.handlerTimeout = handlerTimeout;
		}

	}

	/** Reconnecting a dropped subscriber connection. */
	public static class Reconnect {

		/**
		 * Delay before the first reconnect attempt; it doubles per failed attempt.
		 */
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Longest delay between two reconnect attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(5);

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/** Handing notifications from the reader threads to handler threads. */
	public static class Dispatch {

		/**
		 * Number of handler threads. Notifications for one key always go to the same thread,
		 * in order; different keys run in parallel. Default: the number of CPUs, at least 2.
		 */
		private Integer concurrency;

		/**
		 * Notifications that may wait for a handler thread, over all threads.
		 */
		private int queueCapacity = 65_536;

		/**
		 * What to do when the queue is full: BLOCK waits up to block-timeout, then drops
		 * without waiting until the queue is half empty; DROP_NEWEST drops the new
		 * notification; DROP_OLDEST the oldest queued one. Every drop is counted and logged.
		 */
		private OverflowPolicy overflow = OverflowPolicy.BLOCK;

		/**
		 * With overflow BLOCK, how long the reader may wait for room. Keep it short: while the
		 * reader waits, Redis buffers for us and drops the connection past its pub/sub
		 * output-buffer limit.
		 */
		private Duration blockTimeout = Duration.ofMillis(500);

		/**
		 * Whether the notifications of a small burst (up to 32 read together) may be handled
		 * on the reader thread when their handler lane is idle and its last 64 handler calls
		 * each took less than 200 microseconds: no thread hand-off, so lower latency and CPU
		 * for a quiet stream. A slower call sends the lane back to its handler thread until 64
		 * calls in a row are fast again. Never for asynchronous @OnKeyEvent methods; off with
		 * virtual threads (spring.threads.virtual.enabled), whose handlers may block.
		 */
		private boolean inline = true;

		/**
		 * On shutdown, how long queued and running handlers get to finish.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		public Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(Integer concurrency) {
			this.concurrency = concurrency;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public OverflowPolicy getOverflow() {
			return this.overflow;
		}

		public void setOverflow(OverflowPolicy overflow) {
			this.overflow = overflow;
		}

		public Duration getBlockTimeout() {
			return this.blockTimeout;
		}

		public void setBlockTimeout(Duration blockTimeout) {
			this.blockTimeout = blockTimeout;
		}

		public boolean isInline() {
			return this.inline;
		}

		public void setInline(boolean inline) {
			this.inline = inline;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Handling each notification once across the application's instances:
	 * {@code @OnKeyEvent(group = "...")}. The defaults are those of {@code GroupSettings.defaults()}.
	 */
	public static class Groups {

		/**
		 * Prefix of every key the groups write: their streams, forwarding leases, stream
		 * registry and dead-letter stream (the prefix, the group and ":dead"). Notifications
		 * of keys with this prefix are never forwarded.
		 */
		private String streamKeyPrefix = "keyspace-notifications:group:";

		/**
		 * Entries each group stream keeps, approximately (XTRIM MAXLEN ~), an entry holding up
		 * to 16 notifications: the backlog that can wait while no instance consumes. Older
		 * entries are trimmed unread.
		 */
		private long maxLength = 100_000;

		/**
		 * How long an instance's lease to forward a node's notifications into a group stream
		 * lasts unless renewed (every third of it). Another instance takes over at most this
		 * long after the forwarder dies. At least 300ms.
		 */
		private Duration leaseTime = Duration.ofSeconds(10);

		/**
		 * How long an entry may stay delivered but unacknowledged (its handler threw, or its
		 * instance died) before any instance claims it and calls its handler again. At least
		 * 100ms.
		 */
		private Duration claimTimeout = Duration.ofSeconds(30);

		/**
		 * Deliveries of one entry after which it moves to the dead-letter stream instead of
		 * being retried.
		 */
		private int maxDeliveries = 5;

		/**
		 * Entries read or claimed per Redis command; under a backlog reads grow up to 1,000
		 * (or this, if larger), and the forwarder appends up to 1,000 (or this) per script.
		 */
		private int batchSize = 100;

		/**
		 * This instance's name in the consumer groups; must differ between instances. Default:
		 * generated, pid@host plus a random suffix, so a new one on every start.
		 */
		private String consumerName;

		public String getStreamKeyPrefix() {
			return this.streamKeyPrefix;
		}

		public void setStreamKeyPrefix(String streamKeyPrefix) {
			this.streamKeyPrefix = streamKeyPrefix;
		}

		public long getMaxLength() {
			return this.maxLength;
		}

		public void setMaxLength(long maxLength) {
			this.maxLength = maxLength;
		}

		public Duration getLeaseTime() {
			return this.leaseTime;
		}

		public void setLeaseTime(Duration leaseTime) {
			this.leaseTime = leaseTime;
		}

		public Duration getClaimTimeout() {
			return this.claimTimeout;
		}

		public void setClaimTimeout(Duration claimTimeout) {
			this.claimTimeout = claimTimeout;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public String getConsumerName() {
			return this.consumerName;
		}

		public void setConsumerName(String consumerName) {
			this.consumerName = consumerName;
		}

	}

	/** Redis Cluster settings that moved elsewhere. */
	public static class Cluster {

		/**
		 * How often the Redis Cluster topology is re-read. Replaced by
		 * keyspace-notifications.topology-refresh-interval, which applies to Sentinel and
		 * master/replica setups too; still used when only this one is set.
		 */
		private Duration refreshInterval;

		/**
		 * The deprecated interval.
		 * @return the interval set, or {@code null}
		 */
		@Deprecated(since = "0.1.0")
		@DeprecatedConfigurationProperty(replacement = "keyspace-notifications.topology-refresh-interval", since = "0.1.0",
				reason = "Applies to Sentinel and master/replica setups too, not only to Redis Cluster")
		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		@Deprecated(since = "0.1.0")
		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

}
