package io.keyspace.sample.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The application's local, in-memory product cache. Reads go through it (cache-aside); it
 * is never told about writes by the code that writes. Instead {@link ProductCacheSync}
 * reloads or evicts entries when Redis reports that a product key changed, so every
 * instance of the application stays fresh, whoever wrote.
 */
@Component
public class ProductCache {

	private static final Logger logger = LoggerFactory.getLogger(ProductCache.class);

	private final ProductRepository repository;

	private final ConcurrentMap<String, Product> entries = new ConcurrentHashMap<>();

	// Bumped by every notification. A read that missed only caches what it loaded if no
	// notification arrived meanwhile: otherwise a value read just before a write could be
	// cached after that write's notification was handled, and stay stale.
	private final AtomicLong generation = new AtomicLong();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder reloads = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	public ProductCache(ProductRepository repository) {
		this.repository = repository;
	}

	/** The product, from the cache if present, else from Redis (and then cached). */
	public Lookup get(String id) {
		Product cached = this.entries.get(id);
		if (cached != null) {
			this.hits.increment();
			return new Lookup(Optional.of(cached), true);
		}
		this.misses.increment();
		long before = this.generation.get();
		Optional<Product> loaded = this.repository.find(id);
		if (loaded.isPresent() && this.generation.get() == before) {
			this.entries.putIfAbsent(id, loaded.get());
		}
		return new Lookup(loaded, false);
	}

	/** A product key was written: reload the entry if this instance caches it. */
	public void reload(String id) {
		this.generation.incrementAndGet();
		if (!this.entries.containsKey(id)) {
			return; // not cached here: nothing can be stale
		}
		Optional<Product> fresh = this.repository.find(id);
		if (fresh.isPresent()) {
			this.entries.replace(id, fresh.get());
			this.reloads.increment();
			logger.debug("Reloaded product {}", id);
		}
		else {
			evict(id, "gone on reload");
		}
	}

	/** A product key was deleted or expired: drop the entry; {@code true} if it was cached. */
	public boolean evict(String id, String reason) {
		this.generation.incrementAndGet();
		if (this.entries.remove(id) == null) {
			return false;
		}
		this.evictions.increment();
		logger.debug("Evicted product {} ({})", id, reason);
		return true;
	}

	/** Notifications may have been missed: drop everything, the next reads load afresh. */
	public void clear() {
		this.generation.incrementAndGet();
		int dropped = this.entries.size();
		this.entries.clear();
		this.evictions.add(dropped);
	}

	/** Whether this instance currently caches the product. */
	public boolean contains(String id) {
		return this.entries.containsKey(id);
	}

	/** The cached entry without loading, for the UI and tests. */
	public Optional<Product> peek(String id) {
		return Optional.ofNullable(this.entries.get(id));
	}

	public Stats stats() {
		return new Stats(this.entries.size(), this.hits.sum(), this.misses.sum(), this.reloads.sum(),
				this.evictions.sum(), new TreeMap<>(this.entries));
	}

	/**
	 * @param product the product, or empty if it does not exist
	 * @param hit whether it came from the cache
	 */
	public record Lookup(Optional<Product> product, boolean hit) {
	}

	/**
	 * Counters since startup and the cached entries.
	 *
	 * @param size cached entries
	 * @param hits reads served from the cache
	 * @param misses reads that went to Redis
	 * @param reloads entries refreshed because their key was written
	 * @param evictions entries dropped because their key was deleted or expired, or cleared after a gap
	 * @param entries the cached products by id
	 */
	public record Stats(int size, long hits, long misses, long reloads, long evictions, Map<String, Product> entries) {
	}

}
