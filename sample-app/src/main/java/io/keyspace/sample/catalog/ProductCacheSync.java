package io.keyspace.sample.catalog;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.NotificationGapEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link ProductCache} fresh from Redis keyspace notifications. Handlers run on the
 * library's handler threads, one key always on the same thread and in order, so a reload
 * and an eviction of the same product never race.
 */
@Component
class ProductCacheSync {

	private static final Logger logger = LoggerFactory.getLogger(ProductCacheSync.class);

	private final ProductCache cache;

	ProductCacheSync(ProductCache cache) {
		this.cache = cache;
	}

	/**
	 * A key glob and an event list: Redis sends every notification of the product keys
	 * (channel {@code __keyspace@0__:product:*}), the library passes on only set and del.
	 * The pattern is a placeholder, so it can be changed in application.yml.
	 */
	@OnKeyEvent(key = "${sample.key-pattern:product:*}", event = { EventType.SET, EventType.DEL })
	void productWritten(String key, KeyNotification notification) {
		String id = ProductKeys.idOf(key);
		if (id == null) {
			return;
		}
		if (EventType.SET.equals(notification.event())) {
			this.cache.reload(id);
		}
		else {
			this.cache.evict(id, "deleted");
		}
	}

	/** The composed annotation: expired product keys, evicted like deleted ones. */
	@OnProductExpired
	void productExpired(String key) {
		String id = ProductKeys.idOf(key);
		if (id != null) {
			boolean cached = this.cache.evict(id, "expired");
			logger.info("Product {} expired{}", id, cached ? "; evicted it from the local cache" : " (was not cached)");
		}
	}

	/**
	 * Delivery was interrupted (see docs/gaps.md): any cached product may have changed unseen,
	 * so the cache starts over. A group's gap (published by its {@link NotificationGroups})
	 * concerns only the group's handler, not these.
	 */
	@EventListener
	void resync(NotificationGapEvent event) {
		if (event.getSource() instanceof NotificationGroups) {
			return;
		}
		this.cache.clear();
		logger.info("{}: cleared the local product cache", event.gap());
	}

}
