package io.keyspace.sample.catalog;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A product as stored in Redis: JSON under the key {@code product:<id>}.
 *
 * @param id the id, the part of the key after {@code product:}
 * @param name display name
 * @param price price in the shop's currency
 * @param updatedAt when the writer saved this version
 */
public record Product(String id, String name, BigDecimal price, Instant updatedAt) {

	public Product withUpdatedAt(Instant instant) {
		return new Product(this.id, this.name, this.price, instant);
	}

}
