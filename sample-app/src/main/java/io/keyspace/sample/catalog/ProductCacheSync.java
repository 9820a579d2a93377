package io.keyspace.sample.catalog;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceResyncEvent;
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

	/** The id of {@link #productWritten}, which its resync events carry. */
	static final String ID = "product-cache";

	private static final Logger logger = LoggerFactory.getLogger(ProductCacheSync.class);

	private final ProductCache cache;

	ProductCacheSync(ProductCache cache) {
		this.cache = cache;
	}

	/**
	 * A key glob and an event list: Redis sends every notification of the product keys
	 * (channel {@code __keyspace@0__:product:*}), the library passes on only set and del.
	 * The pattern is a placeholder, so it can be changed in application.yml.
	 * <p>
	 * With {@code resync = true}, when the handler starts and after every interruption of
	 * delivery (see docs/gaps.md) the library also calls it once per product key that exists,
	 * with the event {@code resync}: a cached product is reloaded, as it may have changed unseen.
	 */
	@OnKeyEvent(key = "${sample.key-pattern:product:*}", event = { EventType.SET, EventType.DEL }, id = ID,
			resync = true)
	void productWritten(String key, KeyNotification notification) {
		String id = ProductKeys.idOf(key);
		if (id == null) {
			return;
		}
		if (EventType.DEL.equals(notification.event())) {
			this.cache.evict(id, "deleted");
		}
		else { // set, or resync
			this.cache.reload(id);
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
	 * Brackets a resync pass of {@link #productWritten} on a node. A product deleted unseen gets
	 * no resync call, so the cache marks the entries the pass covers when it starts (every call
	 * of the handlers above unmarks one) and evicts those still marked when it completes.
	 */
	@EventListener
	void resync(KeyspaceResyncEvent event) {
		if (!ID.equals(event.endpointId())) {
			return;
		}
		if (event.phase() == KeyspaceResyncEvent.Phase.STARTED) {
			int marked = this.cache.resyncStarted(event.node(), (id) -> event.covers(ProductKeys.key(id)));
			logger.debug("Resync of the product cache started on {}: {} cached product(s) to check", event.node(),
					marked);
		}
		else {
			int evicted = this.cache.resyncCompleted(event.node());
			logger.info("Resync of the product cache on {} completed: {} product key(s), {} cached product(s) gone",
					event.node(), event.keys(), evicted);
		}
	}

}
