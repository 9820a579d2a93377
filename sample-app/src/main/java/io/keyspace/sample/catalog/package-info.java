/**
 * The product catalogue: products stored as JSON in Redis under {@code product:<id>}, a local
 * in-memory cache in front of them, and the {@code @OnKeyEvent} handlers that keep the cache
 * fresh when any writer changes, deletes or lets a product key expire.
 */
package io.keyspace.sample.catalog;
