/** GSM 03.38 default alphabet and its extension table (extension characters take two units). */
const BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';

/** The GSM-7 units a text needs, or the first character GSM-7 cannot carry. */
export function gsmUnits(text: string): { units: number } | { nonGsm: string } {
	let units = 0;
	for (const char of text) {
		if (BASIC.includes(char)) units += 1;
		else if (EXTENSION.includes(char)) units += 2;
		else return { nonGsm: char };
	}
	return { units };
}
