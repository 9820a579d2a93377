package io.keyspace.sample.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.keyspace.sample.status.DeliveryCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes products in Redis. It never touches the local cache: the cache learns
 * about writes, from this instance or any other, through keyspace notifications.
 */
@Repository
public class ProductRepository {

	private static final Logger logger = LoggerFactory.getLogger(ProductRepository.class);

	private final StringRedisTemplate redis;

	private final JsonMapper json;

	private final DeliveryCheck deliveryCheck;

	public ProductRepository(StringRedisTemplate redis, JsonMapper json, DeliveryCheck deliveryCheck) {
		this.redis = redis;
		this.json = json;
		this.deliveryCheck = deliveryCheck;
	}

	/** The product, or empty if the key does not exist or does not hold product JSON. */
	public Optional<Product> find(String id) {
		String value = this.redis.opsForValue().get(ProductKeys.key(id));
		if (value == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(this.json.readValue(value, Product.class));
		}
		catch (JacksonException ex) {
			// Someone wrote a non-JSON value (e.g. with redis-cli): treat it as no product.
			logger.warn("Key {} does not hold product JSON: {}", ProductKeys.key(id), ex.getOriginalMessage());
			return Optional.empty();
		}
	}

	/** Writes the product ({@code SET}); with a TTL the key expires and Redis sends {@code expired}. */
	public void save(Product product, Duration ttl) {
		String value = this.json.writeValueAsString(product);
		long mark = this.deliveryCheck.beforeWrite();
		if (ttl == null) {
			this.redis.opsForValue().set(ProductKeys.key(product.id()), value);
		}
		else {
			this.redis.opsForValue().set(ProductKeys.key(product.id()), value, ttl);
		}
		this.deliveryCheck.written(mark);
	}

	/** Deletes the product ({@code DEL}); {@code false} if it did not exist. */
	public boolean delete(String id) {
		long mark = this.deliveryCheck.beforeWrite();
		boolean deleted = Boolean.TRUE.equals(this.redis.delete(ProductKeys.key(id)));
		if (deleted) { // deleting nothing publishes nothing
			this.deliveryCheck.written(mark);
		}
		return deleted;
	}

	/** The ids of all products ({@code SCAN}, never {@code KEYS}), sorted. */
	public List<String> ids() {
		List<String> ids = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(ProductKeys.PREFIX + "*").count(500).build();
		try (Cursor<String> keys = this.redis.scan(options)) {
			keys.forEachRemaining((key) -> {
				String id = ProductKeys.idOf(key);
				if (id != null) {
					ids.add(id);
				}
			});
		}
		ids.sort(null);
		return ids;
	}

}
