package io.keyspace.sample.catalog;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Reads products through the local cache and writes them straight to Redis. A write does
 * not update the cache here: the keyspace notification it causes does, the same way it does
 * for a write by another instance or by {@code redis-cli}.
 */
@RestController
@RequestMapping("/api")
class ProductController {

	/** Response header telling whether a read was served by the local cache. */
	static final String CACHE_HEADER = "X-Cache";

	private final ProductCache cache;

	private final ProductRepository repository;

	ProductController(ProductCache cache, ProductRepository repository) {
		this.cache = cache;
		this.repository = repository;
	}

	/** All products (ids by SCAN), each read through the cache. */
	@GetMapping("/products")
	List<CatalogEntry> all() {
		return this.repository.ids().stream().map((id) -> {
			ProductCache.Lookup lookup = this.cache.get(id);
			return lookup.product().map((product) -> new CatalogEntry(product, lookup.hit())).orElse(null);
		}).filter((entry) -> entry != null).toList();
	}

	/** One product through the cache; {@code X-Cache: HIT} or {@code MISS}. */
	@GetMapping("/products/{id}")
	ResponseEntity<Product> one(@PathVariable("id") String id) {
		ProductCache.Lookup lookup = this.cache.get(validId(id));
		return lookup.product()
			.map((product) -> ResponseEntity.ok().header(CACHE_HEADER, lookup.hit() ? "HIT" : "MISS").body(product))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No product " + id));
	}

	/** Creates or replaces a product ({@code SET}, with {@code ttlSeconds} a {@code SET ... EX}). */
	@PutMapping("/products/{id}")
	Product save(@PathVariable("id") String id, @RequestBody ProductRequest request) {
		if (request.name() == null || request.name().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name is required");
		}
		if (request.price() == null || request.price().signum() < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "price must be zero or more");
		}
		if (request.ttlSeconds() != null && request.ttlSeconds() <= 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ttlSeconds must be positive");
		}
		Product product = new Product(validId(id), request.name().strip(), request.price(), Instant.now());
		this.repository.save(product,
				(request.ttlSeconds() != null) ? Duration.ofSeconds(request.ttlSeconds()) : null);
		return product;
	}

	/** Deletes a product ({@code DEL}). */
	@DeleteMapping("/products/{id}")
	ResponseEntity<Void> delete(@PathVariable("id") String id) {
		return this.repository.delete(validId(id)) ? ResponseEntity.noContent().build()
				: ResponseEntity.notFound().build();
	}

	/** What this instance caches, and its counters. */
	@GetMapping("/cache")
	ProductCache.Stats cache() {
		return this.cache.stats();
	}

	private static String validId(String id) {
		if (!ProductKeys.isValidId(id)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"A product id has 1 to 64 letters, digits, '-' or '_'");
		}
		return id;
	}

	/**
	 * @param name display name
	 * @param price price, zero or more
	 * @param ttlSeconds optional time to live; the product then expires by itself
	 */
	record ProductRequest(String name, BigDecimal price, Long ttlSeconds) {
	}

	/**
	 * @param product the product
	 * @param cached whether this read was served by the local cache
	 */
	record CatalogEntry(Product product, boolean cached) {
	}

}
