package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.dispatch.Dispatcher;
import io.keyspace.notifications.match.SubscriptionRegistry;
import io.keyspace.notifications.match.SubscriptionRegistry.Subscription;
import io.keyspace.notifications.reader.MessageListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of one message on a reader thread: match (one hash lookup), parse (pure, on
 * bytes), then hand over to the dispatcher or the pull queue. Nothing here runs user code
 * or throws; a malformed message is counted and skipped.
 */
final class NotificationRouter {

	private static final Logger logger = LoggerFactory.getLogger(NotificationRouter.class);

	private final SubscriptionRegistry registry;

	private final byte[] keyPrefix;

	private final Dispatcher dispatcher;

	private final BlockingQueue<KeyNotification> pullQueue;

	private final NotificationMetrics metrics;

	private final ThrottledLog malformedReport = new ThrottledLog(10, TimeUnit.SECONDS,
			(count) -> logger.warn("Skipped {} malformed keyspace notification(s); enable DEBUG for "
					+ "io.keyspace.notifications.NotificationRouter to see them", count));

	private final ThrottledLog pullOverflowReport = new ThrottledLog(10, TimeUnit.SECONDS,
			(count) -> logger.warn("Dropped the {} oldest notification(s) of pull mode because nobody polled them; "
					+ "call poll()/listen() faster or raise the pull queue capacity", count));

	NotificationRouter(SubscriptionRegistry registry, byte[] keyPrefix, Dispatcher dispatcher,
			BlockingQueue<KeyNotification> pullQueue, NotificationMetrics metrics) {
		this.registry = registry;
		this.keyPrefix = keyPrefix;
		this.dispatcher = dispatcher;
		this.pullQueue = pullQueue;
		this.metrics = metrics;
	}

	/** A listener for one reader thread, with its own dispatch batch. */
	MessageListener newReaderListener() {
		Dispatcher.Batch batch = this.dispatcher.newBatch();
		return new MessageListener() {

			@Override
			public void onMessage(String node, byte[] pattern, byte[] channel, byte[] message) {
				route(node, pattern, channel, message, batch);
			}

			@Override
			public void endOfBurst() {
				batch.flush();
			}

		};
	}

	private void route(String node, byte[] pattern, byte[] channel, byte[] message, Dispatcher.Batch batch) {
		Subscription subscription = this.registry.match((pattern != null) ? pattern : channel);
		if (subscription == null) {
			return; // unsubscribed while the message was on its way
		}
		this.metrics.recordReceived();
		Optional<KeyNotification> parsed = KeyNotification.parse(channel, message, this.keyPrefix, pattern, node);
		if (parsed.isEmpty()) {
			skip(node, channel, message);
			return;
		}
		KeyNotification notification = parsed.get();
		if (subscription.pull()) {
			enqueueForPull(notification);
		}
		if (subscription.handlers().length > 0) {
			batch.add(notification, subscription.handlers());
		}
	}

	private void skip(String node, byte[] channel, byte[] message) {
		if (this.keyPrefix.length > 0 && KeyNotification.parse(channel, message, null).isPresent()) {
			this.metrics.recordFiltered(); // valid, but for a key outside the prefix
			return;
		}
		this.metrics.recordMalformed();
		this.malformedReport.record(1);
		if (logger.isDebugEnabled()) {
			logger.debug("Malformed notification from {} on channel '{}': '{}'", node,
					new String(channel, StandardCharsets.UTF_8), new String(message, StandardCharsets.UTF_8));
		}
	}

	private void enqueueForPull(KeyNotification notification) {
		while (!this.pullQueue.offer(notification)) {
			if (this.pullQueue.poll() != null) {
				this.metrics.recordDropped(1);
				this.pullOverflowReport.record(1);
			}
		}
		this.metrics.recordDelivered();
	}

}
