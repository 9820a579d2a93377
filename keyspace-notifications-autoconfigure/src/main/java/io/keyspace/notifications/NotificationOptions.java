package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link KeyspaceNotifications} does with notifications once they are read: the key
 * prefix filter, how handlers are run, what happens when one throws, and how many
 * notifications pull mode may hold.
 *
 * @param keyPrefix only keys starting with these bytes are delivered, with the prefix
 * stripped; empty for all keys
 * @param dispatch handler threads and queueing
 * @param errorHandler called when a handler throws
 * @param handlerThreadFactory creates the handler threads (e.g. virtual threads)
 * @param pullQueueCapacity notifications that {@code poll}/{@code listen} may hold before the
 * new notification is dropped (and counted as {@link DropReason#PULL_OVERFLOW})
 * @param serverConfig whether the servers' {@code notify-keyspace-events} is checked, set or
 * left alone
 * @param serverConfigCheckInterval how often {@code serverConfig} checks every node again, besides
 * on connect and on a new subscription, so that a setting changed under a running subscriber is
 * noticed; zero or negative checks only on those events
 * @param handlerObserver watches handler calls (metrics, tracing); {@link HandlerObserver#NONE} by default
 * @param failFast whether a subscription fails when Redis cannot be reached (the default); when
 * {@code false} it is kept and made as soon as Redis answers, and only a server's refusal fails
 * @param readFrom which node of each shard is read: the primary (the default) or a replica
 * @param standbyReplicas whether Sentinel and master/replica setups read from the primary also
 * subscribe every replica ahead of a promotion (the default), holding what it publishes until
 * it becomes the master; see {@link SentinelKeyspaceNotifications}
 * @param resync how resync passes scan the keyspace ({@link KeyspaceNotifications#subscribeResynced})
 */
public record NotificationOptions(byte[] keyPrefix, DispatchSettings dispatch, NotificationErrorHandler errorHandler,
		ThreadFactory handlerThreadFactory, int pullQueueCapacity, ServerConfigMode serverConfig,
		Duration serverConfigCheckInterval, HandlerObserver handlerObserver, boolean failFast, ReadFrom readFrom,
		boolean standbyReplicas, ResyncSettings resync) {

	private static final Logger logger = LoggerFactory.getLogger(NotificationOptions.class);

	/** Logs the handler, the key and the exception at ERROR. */
	public static final NotificationErrorHandler LOGGING_ERROR_HANDLER = (notification, handler, error) -> logger.error(
			"Keyspace notification handler {} failed for key '{}' (event '{}' on {} from {})", handler,
			notification.key(), notification.event(), notification.channel(), notification.node(), error);

	public NotificationOptions {
		keyPrefix = (keyPrefix != null) ? keyPrefix.clone() : new byte[0];
		if (pullQueueCapacity < 1) {
			throw new IllegalArgumentException("pullQueueCapacity must be at least 1, was " + pullQueueCapacity);
		}
		Objects.requireNonNull(serverConfig, "serverConfig");
		Objects.requireNonNull(serverConfigCheckInterval, "serverConfigCheckInterval");
		Objects.requireNonNull(handlerObserver, "handlerObserver");
		Objects.requireNonNull(readFrom, "readFrom");
		Objects.requireNonNull(resync, "resync");
	}

	public static NotificationOptions defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	@Override
	public byte[] keyPrefix() {
		return this.keyPrefix.clone();
	}

	/** Daemon platform threads named {@code keyspace-handler-N}. */
	public static ThreadFactory defaultHandlerThreadFactory() {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, "keyspace-handler-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	public static final class Builder {

		private byte[] keyPrefix;

		private DispatchSettings dispatch = DispatchSettings.DEFAULT;

		private NotificationErrorHandler errorHandler = LOGGING_ERROR_HANDLER;

		private ThreadFactory handlerThreadFactory;

		private int pullQueueCapacity = 65_536;

		private ServerConfigMode serverConfig = ServerConfigMode.VERIFY;

		private Duration serverConfigCheckInterval = Duration.ofSeconds(30);

		private HandlerObserver handlerObserver = HandlerObserver.NONE;

		private boolean failFast = true;

		private ReadFrom readFrom = ReadFrom.PRIMARY;

		private boolean standbyReplicas = true;

		private ResyncSettings resync = ResyncSettings.DEFAULT;

		private Builder() {
		}

		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = (keyPrefix != null) ? keyPrefix.getBytes(StandardCharsets.UTF_8) : null;
			return this;
		}

		public Builder keyPrefix(byte[] keyPrefix) {
			this.keyPrefix = keyPrefix;
			return this;
		}

		public Builder dispatch(DispatchSettings dispatch) {
			this.dispatch = dispatch;
			return this;
		}

		public Builder errorHandler(NotificationErrorHandler errorHandler) {
			this.errorHandler = errorHandler;
			return this;
		}

		public Builder handlerThreadFactory(ThreadFactory handlerThreadFactory) {
			this.handlerThreadFactory = handlerThreadFactory;
			return this;
		}

		public Builder pullQueueCapacity(int pullQueueCapacity) {
			this.pullQueueCapacity = pullQueueCapacity;
			return this;
		}

		/** Whether the servers' {@code notify-keyspace-events} is checked (the default), set or left alone. */
		public Builder serverConfig(ServerConfigMode serverConfig) {
			this.serverConfig = serverConfig;
			return this;
		}

		/**
		 * How often every node's {@code notify-keyspace-events} is checked again (30 s by
		 * default), so that flags removed while subscribed (a {@code CONFIG SET}, a restart the
		 * subscriber did not notice) are reported, or set again with {@link ServerConfigMode#APPLY},
		 * within this interval. Zero or negative checks only on connect and on new subscriptions.
		 */
		public Builder serverConfigCheckInterval(Duration serverConfigCheckInterval) {
			this.serverConfigCheckInterval = serverConfigCheckInterval;
			return this;
		}

		/** Watches handler calls, e.g. to time them; {@link HandlerObserver#NONE} by default. */
		public Builder handlerObserver(HandlerObserver handlerObserver) {
			this.handlerObserver = handlerObserver;
			return this;
		}

		/**
		 * Whether a subscription fails when Redis cannot be reached ({@code true}, the
		 * default), or is kept and made as soon as Redis answers ({@code false}).
		 */
		public Builder failFast(boolean failFast) {
			this.failFast = failFast;
			return this;
		}

		/** Which node of each shard is read: the primary (the default) or a replica; see {@link ReadFrom}. */
		public Builder readFrom(ReadFrom readFrom) {
			this.readFrom = readFrom;
			return this;
		}

		/**
		 * Whether Sentinel and master/replica setups subscribe every replica ahead of a
		 * promotion (default {@code true}); only when the primary is read.
		 */
		public Builder standbyReplicas(boolean standbyReplicas) {
			this.standbyReplicas = standbyReplicas;
			return this;
		}

		/** How resync passes scan the keyspace; default {@link ResyncSettings#DEFAULT}. */
		public Builder resync(ResyncSettings resync) {
			this.resync = resync;
			return this;
		}

		/**
		 * With a handler thread factory of your own (e.g. virtual threads, for handlers that
		 * block), every notification goes through it: none is handled inline on a reader thread
		 * ({@link DispatchSettings#inline()}).
		 */
		public NotificationOptions build() {
			DispatchSettings dispatch = this.dispatch;
			if (this.handlerThreadFactory != null && dispatch.inline()) {
				dispatch = new DispatchSettings(dispatch.concurrency(), dispatch.queueCapacity(), dispatch.overflow(),
						dispatch.blockTimeout(), dispatch.shutdownTimeout(), false);
			}
			return new NotificationOptions(this.keyPrefix, dispatch, this.errorHandler,
					(this.handlerThreadFactory != null) ? this.handlerThreadFactory : defaultHandlerThreadFactory(),
					this.pullQueueCapacity, this.serverConfig, this.serverConfigCheckInterval, this.handlerObserver,
					this.failFast, this.readFrom, this.standbyReplicas, this.resync);
		}

	}

}
