package io.github.batchpush.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code Map<String, String>} of grouping labels that may also be bound from core's one-line form,
 * {@code BATCHPUSH_LABELS=team=billing,env=prod}: relaxed binding hands that over as one string, which
 * {@link LabelAssignmentsConverter} parses with core's label parser. Only so marked maps are converted, as Boot's
 * own {@code @DurationUnit} limits its conversion to the properties that carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface LabelAssignments {}
