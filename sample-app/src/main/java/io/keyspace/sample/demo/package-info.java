/**
 * A scheduled writer that changes, deletes and expires product keys so the sample has
 * something to show; off with {@code sample.demo-writer.enabled=false}.
 */
package io.keyspace.sample.demo;
