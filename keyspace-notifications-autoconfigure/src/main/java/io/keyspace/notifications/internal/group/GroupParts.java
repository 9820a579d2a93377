package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.util.Collection;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationOptions;
import redis.clients.jedis.UnifiedJedis;

/**
 * Puts together what one group runs on this instance — its Redis commands, watch, recovery,
 * forwarder and consumer — for {@code NotificationGroups}, which knows the notifications they
 * serve. Stateless; each {@link Running} is one group's.
 */
public final class GroupParts {

	private final NotificationOptions options;

	private final GroupSettings settings;

	private final Clock clock;

	private final Function<String, String> tagOfNode;

	private final Supplier<Collection<String>> nodesRead;

	private final Supplier<BooleanSupplier> checkpoints;

	private final Consumer<NotificationGap> gaps;

	/**
	 * @param options the notifications' options: key prefix, error handler, shutdown timeout
	 * @param tagOfNode the hash tag of a source node's keys
	 * @param nodesRead the nodes the notifications read now, as {@code host:port}
	 * @param checkpoints checkpoints of the handler lanes (see {@link Forwarder})
	 * @param gaps where the groups' gaps go, off the threads that find them
	 */
	public GroupParts(NotificationOptions options, GroupSettings settings, Clock clock,
			Function<String, String> tagOfNode, Supplier<Collection<String>> nodesRead,
			Supplier<BooleanSupplier> checkpoints, Consumer<NotificationGap> gaps) {
		this.options = options;
		this.settings = settings;
		this.clock = clock;
		this.tagOfNode = tagOfNode;
		this.nodesRead = nodesRead;
		this.checkpoints = checkpoints;
		this.gaps = gaps;
	}

	/**
	 * Starts forwarding and consuming one group; the caller subscribes the returned forwarder
	 * and then calls {@link Running#listening()}.
	 * @param channels the names of the channels subscribed, for gap reports
	 */
	public Running start(String group, UnifiedJedis jedis, KeyNotificationHandler handler, Set<String> channels) {
		GroupKeys keys = new GroupKeys(this.settings.streamKeyPrefix(), group);
		GroupRedis redis = new JedisGroupRedis(jedis, keys, this.settings);
		GroupCounters counters = new GroupCounters();
		StreamWatch watch = new StreamWatch(group, redis, this.clock, channels, this.gaps);
		StreamRecovery recovery = new StreamRecovery(group, redis, this.clock, watch, channels, this.gaps);
		Forwarder forwarder = new Forwarder(group, redis, keys, this.settings, this.clock, this.tagOfNode,
				this.nodesRead, this.checkpoints, recovery, channels, this.gaps, counters);
		GroupConsumer consumer = new GroupConsumer(group, redis, this.settings, handler, this.options.keyPrefix(),
				this.options.errorHandler(), counters, watch, recovery, this.options.dispatch().shutdownTimeout());
		forwarder.start();
		consumer.start();
		return new Running(forwarder, consumer, counters);
	}

	/** One group at work here. */
	public static final class Running {

		private final Forwarder forwarder;

		private final GroupConsumer consumer;

		private final GroupCounters counters;

		Running(Forwarder forwarder, GroupConsumer consumer, GroupCounters counters) {
			this.forwarder = forwarder;
			this.consumer = consumer;
			this.counters = counters;
		}

		/** What to subscribe to the notifications. */
		public KeyNotificationHandler forwarder() {
			return this.forwarder;
		}

		public GroupCounters counters() {
			return this.counters;
		}

		/** The forwarder is subscribed: a takeover can replay back to now. */
		public void listening() {
			this.forwarder.listening();
		}

		/**
		 * Hands forwarding over and stops consuming; returns when no handler call of the group
		 * runs anymore (see {@link GroupConsumer#close()}).
		 */
		public void stop() {
			this.forwarder.close();
			this.consumer.close();
		}

	}

}
