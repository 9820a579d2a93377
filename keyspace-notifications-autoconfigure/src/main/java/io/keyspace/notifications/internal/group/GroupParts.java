package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.GroupStatus;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Puts together what one group runs on this instance — its Redis commands, watch, recovery,
 * forwarder and consumer — for {@code NotificationGroups}, which knows the notifications they
 * serve. Stateless; each {@link Running} is one group's.
 */
public final class GroupParts {

	private final NotificationOptions options;

	private final GroupSettings settings;

	private final Clock clock;

	private final ForwardedNotifications notifications;

	private final Consumer<NotificationGap> gaps;

	/**
	 * @param notifications what the forwarders need to know of the notifications
	 * @param options the notifications' options: key prefix, error handler, handler observer,
	 * shutdown timeout
	 * @param gaps where the groups' gaps go, off the threads that find them
	 */
	public GroupParts(ForwardedNotifications notifications, NotificationOptions options, GroupSettings settings,
			Clock clock, Consumer<NotificationGap> gaps) {
		this.notifications = notifications;
		this.options = options;
		this.settings = settings;
		this.clock = clock;
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
		Forwarder forwarder = new Forwarder(group, redis, keys, this.settings, this.clock, this.notifications,
				recovery, channels, this.gaps, counters);
		Supplier<GroupConsumer> consumers = () -> new GroupConsumer(group, redis, this.settings, handler,
				this.options.keyPrefix(), this.options.errorHandler(), this.options.handlerObserver(), counters, watch,
				recovery, this.options.dispatch().shutdownTimeout());
		forwarder.start();
		Running running = new Running(group, handler, redis, forwarder, consumers, counters);
		running.resume();
		return running;
	}

	/**
	 * One group at work here: forwarding, and consuming unless paused. Its owner calls it under
	 * a lifecycle lock, but {@link #status()}, which any thread may call at any time.
	 */
	public static final class Running {

		private final String group;

		private final KeyNotificationHandler handler;

		private final GroupRedis redis;

		private final Forwarder forwarder;

		private final Supplier<GroupConsumer> consumers;

		private final GroupCounters counters;

		private volatile GroupConsumer consumer; // null while paused; written under the owner's lock

		Running(String group, KeyNotificationHandler handler, GroupRedis redis, Forwarder forwarder,
				Supplier<GroupConsumer> consumers, GroupCounters counters) {
			this.group = group;
			this.handler = handler;
			this.redis = redis;
			this.forwarder = forwarder;
			this.consumers = consumers;
			this.counters = counters;
		}

		/** What to subscribe to the notifications. */
		public KeyNotificationHandler forwarder() {
			return this.forwarder;
		}

		/** The handler the group calls. */
		public KeyNotificationHandler handler() {
			return this.handler;
		}

		public GroupCounters counters() {
			return this.counters;
		}

		/** The forwarder is subscribed: a takeover can replay back to now. */
		public void listening() {
			this.forwarder.listening();
		}

		/**
		 * Stops handling entries here, forwarding goes on: they wait in the stream, or other
		 * instances handle them. Returns when no handler call of the group runs anymore (see
		 * {@link GroupConsumer#close()}).
		 */
		public void pause() {
			if (this.consumer != null) {
				this.consumer.close();
				this.consumer = null;
			}
		}

		/** Handles entries again, first those this instance left pending. */
		public void resume() {
			if (this.consumer == null) {
				this.consumer = this.consumers.get();
				this.consumer.start();
			}
		}

		/**
		 * Where the group stands. Reads Redis on the calling thread (one command per stream of
		 * the group, and two more), within the client's timeouts, and waits on nothing of the
		 * group's: a group that is paused, stopped or busy meanwhile answers as it stands. When
		 * Redis does not answer, the status says so.
		 */
		public GroupStatus status() {
			boolean paused = this.consumer == null;
			List<String> led = this.forwarder.nodesLed();
			Instant lastForward = this.forwarder.lastForward();
			try {
				long pending = 0;
				for (String stream : this.redis.registered()) {
					pending += this.redis.pending(stream);
				}
				return new GroupStatus(this.group, this.handler.toString(), paused, led, pending,
						this.redis.deadLettered(), lastForward, null);
			}
			catch (RuntimeException ex) {
				return new GroupStatus(this.group, this.handler.toString(), paused, led, GroupStatus.UNKNOWN,
						GroupStatus.UNKNOWN, lastForward, unanswered(ex));
			}
		}

		/**
		 * Why Redis did not answer, fit for a health check: a connection failure's message, which
		 * names a host at most; of any other failure only its kind, since a refusal's message
		 * can name a key.
		 */
		private static String unanswered(RuntimeException ex) {
			String kind = ex.getClass().getSimpleName();
			return (ex instanceof JedisConnectionException && ex.getMessage() != null) ? kind + ": " + ex.getMessage()
					: kind;
		}

		/** Hands forwarding over and stops consuming, as {@link #pause()} does. */
		public void stop() {
			this.forwarder.close();
			pause();
		}

	}

}
