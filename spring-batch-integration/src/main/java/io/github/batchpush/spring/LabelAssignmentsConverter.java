package io.github.batchpush.spring;

import io.github.batchpush.Labels;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/** {@code team=billing,env=prod} to a map of labels, for the properties marked {@link LabelAssignments}. */
final class LabelAssignmentsConverter implements ConditionalGenericConverter {

  @Override
  public Set<ConvertiblePair> getConvertibleTypes() {
    return Set.of(new ConvertiblePair(String.class, Map.class));
  }

  @Override
  public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
    return targetType.hasAnnotation(LabelAssignments.class);
  }

  @Override
  public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
    return source == null ? null : new java.util.LinkedHashMap<>(Labels.labels((String) source));
  }
}
