/** A labelled file picker that hands the chosen file's text to `onText` (nothing is uploaded). */
export function TextFileInput({
  id,
  label,
  accept,
  onText,
}: {
  id: string;
  label: string;
  accept: string;
  onText: (text: string) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        type="file"
        accept={accept}
        className="text-sm"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void file.text().then(onText);
        }}
      />
    </div>
  );
}
