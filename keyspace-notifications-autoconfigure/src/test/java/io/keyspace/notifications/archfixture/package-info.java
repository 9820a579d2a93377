/**
 * A miniature of the library's layout for {@code ArchitectureTest}, which checks its rules
 * against these classes as well as the real ones: the compliant classes use every allowed
 * direction once, and each class named for a violation ({@code …Using…}, {@code Stray},
 * {@code FacadeWithoutEngine}) breaks one rule on purpose, so every rule is shown to fail.
 * Nothing here is imported by the check of the main classes.
 */
package io.keyspace.notifications.archfixture;
